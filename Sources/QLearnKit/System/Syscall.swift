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
