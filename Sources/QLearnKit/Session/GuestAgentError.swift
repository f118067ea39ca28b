import Foundation

/// Why a conversation with the QEMU guest agent (qemu-ga inside the VM) failed.
public enum GuestAgentError: Error, Sendable, Equatable {
  /// The agent's chardev socket could not be connected.
  case connectFailed(path: String, reason: String)
  /// The agent did not answer `command` in time; the client resynchronises before its next request.
  case agentUnresponsive(command: String, timeout: Duration)
  /// The agent never answered a `guest-sync-delimited` within `timeout` while waiting for the guest to come up.
  case notReady(timeout: Duration)
  /// The socket closed: QEMU exited.
  case agentClosed(path: String)
  /// The agent refused the command (`class` is its error class, e.g. `GenericError`).
  case guestCommandFailed(command: String, class: String, desc: String)
  /// The program started with `guest-exec` had not exited when the timeout passed; it may still be running in the guest.
  case execTimedOut(path: String, pid: Int, timeout: Duration)
  /// The agent sent something that does not fit the protocol.
  case protocolError(String)
}

extension GuestAgentError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .connectFailed(let path, let reason):
      "Could not connect to the guest agent's socket \(path): \(reason)"
    case .agentUnresponsive(let command, let timeout):
      "The guest agent did not answer \(command) within \(timeout.sessionTimeoutText)."
    case .notReady(let timeout):
      "The guest agent did not come up within \(timeout.sessionTimeoutText)."
    case .agentClosed(let path):
      "QEMU closed the guest agent's socket: the VM is gone (\(path))."
    case .guestCommandFailed(let command, let errorClass, let desc):
      "The guest agent refused \(command): \(desc) (\(errorClass))."
    case .execTimedOut(let path, let pid, let timeout):
      "\(path) (pid \(pid) in the guest) did not finish within \(timeout.sessionTimeoutText)."
    case .protocolError(let detail):
      "Unexpected data from the guest agent: \(detail)"
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .connectFailed, .agentClosed:
      "The VM has stopped; look at the console log (qlearn log) and start the session again."
    case .agentUnresponsive:
      "The guest may be busy, suspended or hung. Look at the console; `qlearn check` retries once it responds."
    case .notReady:
      "The guest did not finish booting or qemu-ga did not start; read the console log for a panic or a failed init."
    case .guestCommandFailed:
      "Check the path or command inside the guest; the message above is the guest's own."
    case .execTimedOut:
      "The command is still running in the guest; it may be waiting for input or for a device that is not there."
    case .protocolError:
      "This may be a qlearn bug; restart the session and report it if it recurs."
    }
  }
}
