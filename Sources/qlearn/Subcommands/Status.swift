import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the running lesson VMs, and clean up after any that ended.",
      discussion: "A VM whose QEMU died is reported once, with how it ended, and its session is removed.")

    @OptionGroup var course: CourseOptions

    func run() async throws {
      var rows: [[String]] = [["LESSON", "STEP", "ACCEL", "KERNEL", "UP"]]
      for session in SessionDirectory.all(course.paths) {
        switch session.state() {
        case .running(let record):
          rows.append([record.lesson, record.step ?? "-", record.accelerator, record.kernel, ProgressText.duration(-record.startedAt.timeIntervalSinceNow)])
        case .ended(let record, let reason):
          printError("The VM of '\(record?.lesson ?? session.lesson)' has ended: \(reason). Its session is cleaned up.")
          session.remove()
        case .stale:
          printError("Removed a stale session of '\(session.lesson)' (its qlearn was killed).")
          session.remove()
        }
      }
      rows += WarmPool(paths: course.paths).slots().filter(\.isAlive).map { [$0.ticket.lesson, "(pooled, \($0.ticket.state.rawValue))", $0.ticket.accelerator ?? "-", $0.ticket.kernel ?? "-", "-"] }
      print(rows.count == 1 ? "No lesson VM is running. `qlearn start <lesson>` boots one." : Table.render(rows))
    }
  }
}
