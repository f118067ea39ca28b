import Foundation

/// Why a conversation with QEMU's QMP monitor failed.
public enum QMPError: Error, Sendable, Equatable {
  /// The QMP socket did not come up (QEMU failed to start, or the path is wrong).
  case connectFailed(path: String, reason: String)
  /// QEMU did not answer `command` in time.
  case timedOut(command: String, timeout: Duration)
  /// No event called `event` arrived in time.
  case eventTimedOut(event: String, timeout: Duration)
  /// QEMU closed the socket: the process exited or was killed.
  case vmGone(path: String)
  /// QEMU refused the command; `class` is QMP's error class (`GenericError`, `CommandNotFound`, `DeviceNotFound`, ...).
  case commandFailed(command: String, class: String, desc: String)
  /// QEMU sent something that is not QMP, or the handshake went wrong.
  case protocolError(String)
}

extension QMPError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .connectFailed(let path, let reason):
      "Could not connect to QEMU's QMP socket \(path): \(reason)"
    case .timedOut(let command, let timeout):
      "QEMU did not answer the QMP command \(command) within \(timeout.sessionTimeoutText)."
    case .eventTimedOut(let event, let timeout):
      "QEMU sent no \(event) event within \(timeout.sessionTimeoutText)."
    case .vmGone(let path):
      "QEMU closed the QMP socket: the VM is gone (\(path))."
    case .commandFailed(let command, let errorClass, let desc):
      "QEMU refused \(command): \(desc) (\(errorClass))."
    case .protocolError(let detail):
      "Unexpected data on the QMP socket: \(detail)"
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .connectFailed:
      "QEMU probably failed to start; read the session's QEMU log, then run `qlearn start` again."
    case .timedOut:
      "QEMU is busy or hung. Wait a moment and retry; if it persists, stop the session and start it again."
    case .eventTimedOut:
      "The guest did not do what triggers this event yet; check the console for what happened."
    case .vmGone:
      "The QEMU process has exited. Look at the console log for a guest panic, then run `qlearn start` again."
    case .commandFailed:
      "Check the command's arguments against `qlearn monitor` help or the lesson's instructions."
    case .protocolError:
      "Make sure the socket belongs to a QEMU QMP monitor; this may be a qlearn bug worth reporting."
    }
  }
}
