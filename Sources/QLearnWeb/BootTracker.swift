import Foundation
import QLearnKit
import Synchronization

/// Boots started from the page, with the milestones `qlearn start` prints, so the page can show a slow boot's progress.
final class BootTracker: Sendable {
  struct Boot: Sendable {
    var lines: [String] = []
    var finished = false
    var failure: String?
  }

  private let boots = Mutex<[String: Boot]>([:])

  func snapshot(_ lesson: String) -> Boot? { boots.withLock { $0[lesson] } }

  func isBooting(_ lesson: String) -> Bool { snapshot(lesson).map { !$0.finished } ?? false }

  /// Starts booting `lesson` in the background unless a boot of it is already under way.
  func start(_ lesson: Lesson, paths: Paths, options: LaunchOptions) throws {
    let claimed = boots.withLock { boots in
      if let boot = boots[lesson.id], !boot.finished { return false }
      boots[lesson.id] = Boot()
      return true
    }
    guard claimed else { throw WebError.busy(lesson: lesson.id) }
    let id = lesson.id
    let clock = ContinuousClock.now
    Task {
      let launcher = SessionLauncher(
        paths: paths,
        report: { event in
          let line = Self.describe(event, lesson: id, elapsed: ContinuousClock.now - clock)
          self.add(line, to: id)
        })
      do {
        let running = try await launcher.start(lesson, options: options)
        self.finish(id, failure: nil, last: "\(id) is running (\(running.record.accelerator.uppercased()), kernel \(running.record.kernel)).")
      } catch {
        let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        let suggestion = (error as? LocalizedError)?.recoverySuggestion.map { " " + $0 } ?? ""
        self.finish(id, failure: text + suggestion, last: nil)
      }
    }
  }

  private func add(_ line: String, to lesson: String) {
    boots.withLock { boots in
      guard let count = boots[lesson]?.lines.count, count < 200 else { return }
      boots[lesson]!.lines.append(line)
    }
  }

  private func finish(_ lesson: String, failure: String?, last: String?) {
    if let last { add(last, to: lesson) }
    boots.withLock { boots in
      boots[lesson]?.finished = true
      boots[lesson]?.failure = failure
    }
  }

  /// The same words as `qlearn start`'s boot display.
  static func describe(_ event: BootEvent, lesson: String, elapsed: Duration) -> String {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let stamp = String(format: "%5.2fs", seconds)
    switch event {
    case .note(let text): return "qlearn: \(text)"
    case .bootingAgain(let attempt, let limit):
      return "\(stamp)  boot \(attempt) did not reach the guest agent within \(limit) s; booting again"
    case .preparing(let what): return "\(stamp)  \(what)"
    case .starting(let accelerator): return "\(stamp)  booting \(lesson) under \(accelerator.uppercased())"
    case .qemuRunning: return "\(stamp)  QEMU running: firmware and kernel booting"
    case .guestUp: return "\(stamp)  drivers loaded, guest up"
    case .ready(let took): return "\(stamp)  guest agent ready (boot took \(String(format: "%.2f", took)) s)"
    }
  }
}
