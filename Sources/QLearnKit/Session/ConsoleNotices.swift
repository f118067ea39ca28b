import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Lines qlearn itself wants on the console screen (watch mode's "all checks pass"), handed to the running
/// ``ConsoleProxy``, which prints each on a line of its own: it clears the line being typed, prints the notice, and
/// redraws what the guest had printed on that line (the prompt and the learner's echoed keys), so a notice never lands
/// inside a prompt or a half-typed command.
public final class ConsoleNotices: @unchecked Sendable {
  private let lock = NSLock()
  private var pending: [String] = []
  /// Written once per notice so the proxy's `poll` wakes up; read end for the proxy.
  let wakeRead: Int32
  private let wakeWrite: Int32

  public init() throws {
    var fds: [Int32] = [0, 0]
    try syscall("pipe", "console notices") { pipe(&fds) }
    for fd in fds {
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      _ = fcntl(fd, F_SETFL, O_NONBLOCK)
    }
    wakeRead = fds[0]
    wakeWrite = fds[1]
  }

  deinit {
    close(wakeRead)
    close(wakeWrite)
  }

  public func post(_ line: String) {
    lock.withLock { pending.append(line) }
    var byte: UInt8 = 1
    _ = try? syscall("write", "console notices") { write(wakeWrite, &byte, 1) }
  }

  func take() -> [String] {
    var drain = [UInt8](repeating: 0, count: 64)
    while (try? syscall("read", "console notices") { read(wakeRead, &drain, drain.count) }) ?? 0 > 0 {}
    return lock.withLock {
      defer { pending.removeAll() }
      return pending
    }
  }

  /// The bytes that put `notice` on its own line above `partialLine` (what the guest printed since its last newline).
  public static func rendering(_ notice: String, partialLine: [UInt8]) -> [UInt8] {
    Array("\r\u{1b}[K".utf8) + Array(TerminalSafe.clip(notice, limit: 200).utf8) + Array("\r\n".utf8) + partialLine
  }
}
