import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Prove lessons' steps: each fails on a fresh VM and passes after its reference solution.",
      discussion: """
        For each lesson, boots its machine in a private runtime folder (never your running sessions), then for each \
        step in order: grades it (at least one check must fail), runs its reference solution, and grades it again \
        (every check must pass, allowing a few seconds for asynchronous effects such as hotplug and kernel \
        messages). Lessons whose host requirements are missing are reported as skipped, with the reason. \
        Exit status: 0 when every lesson that ran is proven, 1 on any defect.

        Examples:
          qlearn verify nvme-queues
          qlearn verify --all -j 2 --format tap
          qlearn verify --all --shard 2/4 --format junit > verify-2.xml

        While lessons are graded, the next one boots ahead into a pool of the run's own (paused until its turn), \
        which hides most of its boot: `--no-look-ahead` turns that off.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, tap, junit }

    @Argument(help: "Lessons to verify.")
    var lessons: [String] = []

    @Flag(help: "Verify every lesson of the course.")
    var all = false

    @Option(help: "text, tap (Test Anything Protocol), or junit (JUnit XML, printed when all lessons are done).")
    var format: Format = .text

    @Option(name: .customShort("j"), help: ArgumentHelp("Lessons to verify at once.", valueName: "n"))
    var jobs: Int = 1

    @Option(
      help: ArgumentHelp(
        "Verify only share I of N (1-based) of the selected lessons, for CI runners that split the course: lessons are "
          + "dealt in course order to the share with the least work so far (one boot plus its steps), so every runner "
          + "computes the same split.",
        valueName: "I/N"))
    var shard: Shard?

    @Flag(help: "Do not boot the next lesson while the current ones are graded (each lesson then boots when its turn comes).")
    var noLookAhead = false

    @OptionGroup var boot: BootOptions
    @OptionGroup var course: CourseOptions

    func validate() throws {
      if lessons.isEmpty && !all { throw ValidationError("Name lessons to verify, or give --all.") }
      if !lessons.isEmpty && all { throw ValidationError("Give lesson ids or --all, not both.") }
      if jobs < 1 { throw ValidationError("-j must be at least 1.") }
    }

    func run() async throws {
      let course = self.course.course()
      var selected = all ? course.lessons : try lessons.map { try self.course.lesson($0, in: course) }
      selected = selected.enumerated().filter { index, lesson in !selected[..<index].contains { $0.id == lesson.id } }.map(\.1)
      if let shard { selected = CourseVerifier.shard(selected, index: shard.index, of: shard.count) }
      let verifier = LessonVerifier(
        library: try GradingContext.library(self.course), paths: self.course.paths, options: try boot.launchOptions())
      let printer = VerifyPrinter(format: format)
      let reports = await CourseVerifier(verifier: verifier, jobs: jobs, lookAhead: !noLookAhead).run(selected) {
        printer.print($0)
      }
      printer.finish(reports)
      if reports.contains(where: { if case .defective = $0.outcome { true } else { false } }) {
        throw ExitCode(1)
      }
    }
  }
}

/// `--shard I/N`: the I-th of N deterministic shares of the lessons (1-based).
struct Shard: ExpressibleByArgument, Sendable {
  let index: Int
  let count: Int

  init?(argument: String) {
    let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index)
    else { return nil }
    self.index = index
    self.count = count
  }
}

/// Prints verification reports as they arrive: readable text, or TAP with one test point per step (plan at the end).
final class VerifyPrinter: @unchecked Sendable {
  // @unchecked: `number` changes only in print(_:) and finish(_:), which run one after another: CourseVerifier calls
  // its report callback from the loop that collects finished lessons, and finish after that loop.
  let format: QLearn.Verify.Format
  private var number = 0

  init(format: QLearn.Verify.Format) { self.format = format }

  func print(_ report: LessonVerifier.LessonReport) {
    switch format {
    case .text: printText(report)
    case .tap: printTAP(report)
    case .junit: break  // one document, written by finish(_:)
    }
    fflush(nil)
  }

  private func printText(_ report: LessonVerifier.LessonReport) {
    switch report.outcome {
    case .skipped(let reason):
      Swift.print("\(report.lesson): SKIPPED, \(safe(reason))")
      return
    case .verified, .defective:
      let accel = report.accelerator.map { $0.uppercased() + ", " } ?? ""
      let boot = report.bootedAhead ? "booted ahead, ready in" : "booted in"
      Swift.print("\(report.lesson) (\(accel)\(boot) \(seconds(report.bootSeconds)), total \(seconds(report.totalSeconds)))")
    }
    for note in report.notes { Swift.print("  note: \(safe(note))") }
    if let error = report.error { printLines(error, first: "  DEFECT ", rest: "         ") }
    for step in report.steps {
      Swift.print("  \(step.defect == nil ? "ok    " : "DEFECT") \(step.step)")
      if let before = step.before {
        let failing = before.checks.filter { !$0.passed }
        let detail = failing.first.map { "\(safe($0.label)): expected \(safe($0.expected)), actual \(safe($0.actual))" }
        Swift.print("         failed before: \(failing.count)/\(before.checks.count) checks failing" + (detail.map { " (\($0))" } ?? ""))
      }
      if let after = step.after, after.passed {
        Swift.print("         passed after: \(after.checks.count)/\(after.checks.count) checks, solution \(seconds(step.solutionSeconds)), settled in \(seconds(step.settleSeconds))")
      }
      if let defect = step.defect { printLines(defect, first: "         ", rest: "           ") }
    }
  }

  private func printTAP(_ report: LessonVerifier.LessonReport) {
    switch report.outcome {
    case .skipped(let reason):
      number += 1
      Swift.print("ok \(number) - \(report.lesson) # SKIP \(safe(reason))")
      return
    case .verified, .defective: break
    }
    if let error = report.error {
      number += 1
      Swift.print("not ok \(number) - \(report.lesson) boot")
      printLines(error, first: "  # ", rest: "  #   ")
    }
    for step in report.steps {
      number += 1
      let status = step.defect == nil ? "ok" : "not ok"
      let summary = step.defect == nil
        ? "failed before, passed after in \(seconds(step.solutionSeconds + step.settleSeconds))" : "defect"
      Swift.print("\(status) \(number) - \(report.lesson) \(step.step): \(summary)")
      if let defect = step.defect { printLines(defect, first: "  # ", rest: "  #   ") }
    }
  }

  func finish(_ reports: [LessonVerifier.LessonReport]) {
    let steps = reports.reduce(0) { $0 + $1.steps.count }
    let defects = reports.reduce(0) { $0 + $1.steps.filter { $0.defect != nil }.count + ($1.error == nil ? 0 : 1) }
    let skipped = reports.filter { if case .skipped = $0.outcome { true } else { false } }.count
    switch format {
    case .text:
      Swift.print("\(reports.count) lesson\(reports.count == 1 ? "" : "s"), \(steps) steps, \(defects) defect\(defects == 1 ? "" : "s"), \(skipped) skipped")
    case .tap:
      Swift.print("1..\(number)")
    case .junit:
      Swift.print(junit(reports))
    }
  }

  /// One `<testsuite>` per lesson and one `<testcase>` per step, as CI systems read JUnit reports.
  func junit(_ reports: [LessonVerifier.LessonReport]) -> String {
    var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<testsuites name=\"qlearn verify\">"]
    for report in reports {
      let failures = report.steps.filter { $0.defect != nil }.count + (report.error == nil ? 0 : 1)
      var skippedReason: String?
      if case .skipped(let reason) = report.outcome { skippedReason = reason }
      xml.append(
        "  <testsuite name=\"\(escape(report.lesson))\" tests=\"\(max(report.steps.count, 1))\" failures=\"\(failures)\" skipped=\"\(skippedReason == nil ? 0 : 1)\" time=\"\(String(format: "%.3f", report.totalSeconds))\">")
      if let skippedReason {
        xml.append("    <testcase classname=\"\(escape(report.lesson))\" name=\"lesson\"><skipped message=\"\(escape(skippedReason))\"/></testcase>")
      }
      if let error = report.error {
        xml.append("    <testcase classname=\"\(escape(report.lesson))\" name=\"boot\"><failure message=\"\(escape(error))\"/></testcase>")
      }
      for step in report.steps {
        let time = String(format: "%.3f", step.solutionSeconds + step.settleSeconds)
        let head = "    <testcase classname=\"\(escape(report.lesson))\" name=\"\(escape(step.step))\" time=\"\(time)\""
        xml.append(step.defect.map { head + "><failure message=\"\(escape($0))\"/></testcase>" } ?? head + "/>")
      }
      xml.append("  </testsuite>")
    }
    xml.append("</testsuites>")
    return xml.joined(separator: "\n")
  }

  /// XML attribute text: the five special characters escaped, control characters already replaced by `safe`.
  private func escape(_ text: String) -> String {
    safe(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
      .replacingOccurrences(of: "'", with: "&apos;")
  }

  private func safe(_ text: String) -> String { TerminalSafe.clip(text, limit: 400) }

  /// A report that runs over several lines (a VM's last console lines after the reason it died), each line made safe,
  /// the first after `first` and the others after `rest`, so that the quoted lines stay under the step they explain.
  private func printLines(_ text: String, first: String, rest: String) {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      Swift.print((index == 0 ? first : rest) + safe(String(line)))
    }
  }
  private func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
}
