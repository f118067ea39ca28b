import Foundation

/// The file QEMU copies all guest console output to (`-chardev socket,...,logfile=PATH`), attached or not.
///
/// Error reports quote its last lines ("the guest printed this before it stopped answering"), so ``tail(lines:maxBytes:)``
/// reads only the end of a log that can grow large, and cleans it for display in a report.
public struct ConsoleLog: Sendable, Equatable {
  public let path: String

  public init(path: String) { self.path = path }

  /// The last `lines` lines, without carriage returns, terminal escape sequences or other control characters.
  /// Reads at most `maxBytes` from the end of the file. A log that does not exist yet reads as no lines.
  public func tail(lines: Int, maxBytes: Int = 64 * 1024) throws -> [String] {
    guard lines > 0 else { return [] }
    let fd: Int32
    do {
      fd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    } catch {
      if error.errno == ENOENT { return [] }
      throw error
    }
    defer { try? closeOnce(fd, path) }  // read-only: nothing is lost if close fails
    var info = stat()
    try syscall("fstat", path) { fstat(fd, &info) }
    let size = Int(info.st_size)
    let start = max(0, size - maxBytes)
    var bytes = [UInt8](repeating: 0, count: size - start)
    var filled = 0
    while filled < bytes.count {
      let count = try syscall("pread", path) {
        bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(start + filled)) }
      }
      if count == 0 { break }
      filled += count
    }
    bytes.removeSubrange(filled...)
    var all = Self.clean(bytes).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if start > 0, !all.isEmpty { all.removeFirst() }  // the first line was cut by maxBytes
    if all.last == "" { all.removeLast() }
    return Array(all.suffix(lines))
  }

  /// What the guest said last, for a report on a VM that died: from the start of the last kernel oops when there is one
  /// (the oops line names the fault; the register dump that ends the log does not), else the last `lines` lines.
  public func lastWords(lines: Int = 15, oopsLines: Int = 40) -> [String] {
    guard let recent = try? tail(lines: 120) else { return [] }
    return Self.lastWords(recent, lines: lines, oopsLines: oopsLines)
  }

  /// The first lines of the last oops in `recent` (up to `oopsLines`, and the panic line if it came later), or its last
  /// `lines` lines when no oops began there.
  static func lastWords(_ recent: [String], lines: Int, oopsLines: Int) -> [String] {
    let faults = ["Oops:", "BUG:", "kernel BUG at", "general protection fault"]
    guard let start = recent.lastIndex(where: { line in faults.contains { line.contains($0) } }) else {
      return Array(recent.suffix(lines))
    }
    var words = Array(recent[start...].prefix(oopsLines))
    if recent.count - start > oopsLines, let panic = recent[start...].last(where: { $0.contains("Kernel panic") }) {
      words += ["…", panic]
    }
    return words
  }

  /// A whole log as `qlearn log` shows it on a terminal: line ends as `\n`, and every other control character
  /// (the ESC that starts a terminal escape sequence, BEL, backspace...) replaced by U+FFFD, so what the guest or its
  /// firmware wrote is read, never interpreted.
  public static func readable(_ data: Data) -> String {
    TerminalSafe.line(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
  }

  /// Drops what a terminal would interpret rather than show: CSI/OSC escape sequences, `\r`, other C0 controls.
  static func clean(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x1B {
        index += 1
        guard index < bytes.count else { break }
        switch bytes[index] {
        case UInt8(ascii: "["):  // CSI: parameters until a final byte 0x40...0x7E
          index += 1
          while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
          index += 1
        case UInt8(ascii: "]"):  // OSC: until BEL or ESC \
          index += 1
          while index < bytes.count, bytes[index] != 0x07, bytes[index] != 0x1B { index += 1 }
          index += bytes.indices.contains(index) && bytes[index] == 0x1B ? 2 : 1
        default:
          index += 1
        }
        continue
      }
      if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F) {
        out.append(byte)
      }
      index += 1
    }
    return String(decoding: out, as: UTF8.self)
  }
}
