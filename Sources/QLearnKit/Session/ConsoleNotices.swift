import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Lines qlearn itself wants on the console screen (watch mode's "all checks pass"), handed to the running
/// ``ConsoleProxy``, which prints each on a line of its own: it clears the line being typed, prints the notice, and
/// redraws what the guest had printed on that line (the prompt and the learner's echoed keys), so a notice never lands
/// inside a prompt or a half-typed command.
public final class ConsoleNotices: Sendable {
  private let pending = Mutex<[String]>([])
  /// Written once per notice so the proxy's `poll` wakes up; read end for the proxy.
  let wakeRead: Int32
  private let wakeWrite: Int32

  public init() throws {
    let ends = try Spawn.pipe("console notices")
    wakeRead = ends.read
    wakeWrite = ends.write
    for fd in [wakeRead, wakeWrite] {
      let flags = try syscall("fcntl", "console notices") { fcntl(fd, F_GETFL) }
      try syscall("fcntl", "console notices") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }
  }

  deinit {
    try? closeOnce(wakeRead, "console notices")
    try? closeOnce(wakeWrite, "console notices")
  }

  public func post(_ line: String) {
    pending.withLock { $0.append(line) }
    var byte: UInt8 = 1
    _ = try? syscall("write", "console notices") { write(wakeWrite, &byte, 1) }
  }

  func take() -> [String] {
    var drain = [UInt8](repeating: 0, count: 64)
    while (try? syscall("read", "console notices") { read(wakeRead, &drain, drain.count) }) ?? 0 > 0 {}
    return pending.withLock { lines in
      defer { lines.removeAll() }
      return lines
    }
  }

  /// The bytes that put `notice` on its own line above `partialLine` (what the guest printed since its last newline).
  public static func rendering(_ notice: String, partialLine: [UInt8]) -> [UInt8] {
    Array("\r\u{1b}[K".utf8) + Array(TerminalSafe.clip(notice, limit: 200).utf8) + Array("\r\n".utf8) + partialLine
  }
}
