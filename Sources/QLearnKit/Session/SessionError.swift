import Foundation

public enum SessionError: Error, LocalizedError, Equatable {
  case notRunning(lesson: String)
  case noneRunning
  case ambiguous([String])
  /// QEMU ended under a running session; `qemuOutput` and `console` are the last lines each printed, so that a guest
  /// that panicked or powered off says why in the report.
  case vmGone(lesson: String, reason: String, qemuOutput: [String] = [], console: [String] = [])

  public var errorDescription: String? {
    switch self {
    case .notRunning(let lesson): "The lesson '\(lesson)' has no running VM."
    case .noneRunning: "No lesson VM is running."
    case .ambiguous(let lessons): "Several lesson VMs are running: \(lessons.joined(separator: ", "))."
    case .vmGone(let lesson, let reason, let output, let console):
      "The VM of '\(lesson)' is gone: \(reason)."
        + LaunchError.quoted("QEMU said", output) + LaunchError.quoted("Last console lines", console)
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .notRunning(let lesson), .vmGone(let lesson, _, _, _): "Start it with `qlearn start \(lesson)`."
    case .noneRunning: "Start one with `qlearn start <lesson>`."
    case .ambiguous: "Name the lesson, e.g. `qlearn exec --lesson <id> -- ...`."
    }
  }
}
