import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

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

extension SystemError: LocalizedError {
  public var errorDescription: String? { description }
}

/// Runs a POSIX call, retrying while it fails with `EINTR`, and throws ``SystemError`` on any other failure.
///
/// `body` returns the call's raw result; a negative value means failure with the reason in `errno`, as POSIX specifies.
@discardableResult
@inline(__always)
public func syscall<T: FixedWidthInteger>(
  _ call: @autoclosure () -> String, _ subject: @autoclosure () -> String = "", _ body: () -> T
) throws(SystemError) -> T {
  while true {
    let result = body()
    if result >= 0 { return result }
    let code = errno
    if code == EINTR { continue }
    throw SystemError(call: call(), subject: subject(), errno: code)
  }
}

/// Like ``syscall(_:_:_:)`` for calls that return a pointer, where `nil` means failure.
@inline(__always)
public func syscall<T>(
  _ call: @autoclosure () -> String, _ subject: @autoclosure () -> String = "", _ body: () -> T?
) throws(SystemError) -> T {
  while true {
    if let result = body() { return result }
    let code = errno
    if code == EINTR { continue }
    throw SystemError(call: call(), subject: subject(), errno: code)
  }
}

/// Closes `fd` exactly once. `close` is never retried on `EINTR`: Linux releases the descriptor even when `close`
/// reports `EINTR`, so a retry could close a descriptor another thread has just been given; `EINTR` counts as closed.
/// Other failures (`EBADF`, `EIO` from a network file system) throw, naming `subject`.
///
/// `close` is the system call, replaceable so a test can see how often it is made.
public func closeOnce(
  _ fd: Int32, _ subject: @autoclosure () -> String = "", close: (Int32) -> Int32 = { closeDescriptor($0) }
) throws(SystemError) {
  guard close(fd) < 0 else { return }
  let code = errno
  if code == EINTR { return }
  throw SystemError(call: "close", subject: subject(), errno: code)
}

/// The C library's `close`, under a name that a Swift `close()` method or parameter cannot shadow.
@inline(__always)
public func closeDescriptor(_ fd: Int32) -> Int32 {
  #if canImport(Glibc)
    Glibc.close(fd)
  #elseif canImport(Musl)
    Musl.close(fd)
  #else
    Darwin.close(fd)
  #endif
}
