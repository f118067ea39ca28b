import Foundation

/// A failed system call: which call, on what, and the `errno` it returned.
///
/// POSIX calls go through ``syscall(_:_:_:)`` so that `EINTR` is retried in one place and a failure always names the call
/// and its subject (a path, a socket, a pid) instead of surfacing as a bare number. The exceptions: `close`, which goes
/// through ``closeOnce(_:_:close:)`` because it must never be retried; a signal handler (``RawTerminalSignals``), which
/// must stay async-signal-safe; probes whose failure is the answer (`kill(pid, 0)`, `isatty`, `ioctl(TIOCGWINSZ)`);
/// and signal set-up (`signal`, `sigaction`, `pthread_sigmask`), which cannot fail with the constants qlearn passes.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
  public let call: String
  public let subject: String
  public let errno: Int32

  public init(call: String, subject: String = "", errno: Int32) {
    self.call = call
    self.subject = subject
    self.errno = errno
  }

  public var reason: String { String(cString: strerror(errno)) }

  public var description: String {
    subject.isEmpty ? "\(call) failed: \(reason)" : "\(call)(\(subject)) failed: \(reason)"
  }
}
