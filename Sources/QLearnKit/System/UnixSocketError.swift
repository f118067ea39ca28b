import Foundation

/// Why a unix socket operation failed.
public enum UnixSocketError: Error, Sendable, Equatable {
  /// `sockaddr_un` holds at most `limit` bytes of path.
  case pathTooLong(path: String, limit: Int)
  /// The socket did not appear or accept connections in time.
  case connectTimedOut(path: String, timeout: Duration, lastError: SystemError)
  /// Nothing could be read or written before the deadline.
  case timedOut(path: String, operation: String)
  /// The other end closed the connection.
  case closedByPeer(path: String)
  /// Any other failed system call.
  case system(path: String, SystemError)
}
