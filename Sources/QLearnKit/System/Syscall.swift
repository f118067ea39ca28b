import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

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
