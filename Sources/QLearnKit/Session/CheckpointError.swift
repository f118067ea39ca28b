import Foundation

/// Why saving or restoring a checkpoint failed.
public enum CheckpointError: Error, Sendable, Equatable {
  /// QEMU's migration of the VM to (or from) the checkpoint file ended in `status` (`failed`, `cancelled`) or did not
  /// end within the time given; `detail` is QEMU's own error text when it gave one.
  case migrationFailed(lesson: String, step: String, direction: String, status: String, detail: String?)
  /// A file of the checkpoint could not be written or read.
  case file(lesson: String, path: String, detail: String)
  /// The supervisor did not start the new QEMU the restore needs.
  case restartFailed(lesson: String, detail: String)
}

extension CheckpointError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .migrationFailed(let lesson, let step, let direction, let status, let detail):
      "The \(direction) of the checkpoint of step '\(step)' of \(lesson) ended as '\(status)'"
        + (detail.map { ": \($0)" } ?? ".")
    case .file(let lesson, let path, let detail):
      "The checkpoint file \(path) of \(lesson) could not be used: \(detail)."
    case .restartFailed(let lesson, let detail):
      "The VM of \(lesson) could not be started again from its checkpoint: \(detail)."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .migrationFailed, .file:
      "Run the command again; `QLEARN_CHECKPOINTS=0` turns checkpoints off (resets then boot afresh and replay)."
    case .restartFailed:
      "The session's QEMU log (qemu.log in its session folder) says why; `qlearn stop` then `qlearn start` begins anew."
    }
  }
}
