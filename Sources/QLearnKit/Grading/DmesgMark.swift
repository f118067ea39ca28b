import Foundation

/// A position in the kernel log: how many lines it had and the last of them.
///
/// The last line is kept because the log is a ring: once it wraps, the count alone no longer says where the step began,
/// but the line (with its timestamp) still does while it is in the ring.
public struct DmesgMark: Codable, Sendable, Equatable {
  public var count: Int
  public var lastLine: String?

  public init(count: Int, lastLine: String?) {
    self.count = count
    self.lastLine = lastLine
  }

  public init(lines: [String]) {
    self.init(count: lines.count, lastLine: lines.last)
  }

  /// The guest command that prints a mark (the log's line count, then its last line) without shipping the log.
  public static let command = "dmesg | sed -n '$=;$p'"

  /// Reads what ``command`` printed; an empty log prints nothing.
  public init?(markOutput text: String) {
    let lines = Observation(text: text).lines
    guard let first = lines.first else {
      self.init(count: 0, lastLine: nil)
      return
    }
    guard let count = Int(first), count >= 0 else { return nil }
    self.init(count: count, lastLine: count > 0 ? lines.dropFirst().joined(separator: "\n") : nil)
  }

  /// The lines printed after this mark.
  public func linesAfter(_ lines: [String]) -> [String] {
    if count <= lines.count, count == 0 || lines[count - 1] == lastLine {
      return Array(lines[count...])
    }
    if let lastLine, let index = lines.lastIndex(of: lastLine) {
      return Array(lines[(index + 1)...])
    }
    return lines  // the mark left the ring: everything left is newer
  }
}
