import Foundation
import QLearnKit

#if canImport(Glibc)
  import Glibc
#endif

/// Left-aligned columns separated by two spaces; every cell is made terminal-safe first.
enum Table {
  /// The terminal's width, or 80 when it is not a terminal (a pipe, a file, a test).
  static var width: Int {
    var size = winsize()
    // Raw: a probe whose failure is the answer (stdout is not a terminal), not an error to report.
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
    return 80
  }

  /// `flexible`: a column clipped (with …) so that every line fits in `width` columns.
  static func render(_ rows: [[String]], width: Int? = nil, flexible: Int? = nil) -> String {
    var cells = rows.map { $0.map { TerminalSafe.clip($0, limit: 48) } }
    var widths = (0..<(cells.first?.count ?? 0)).map { column in
      cells.map { $0[column].count }.max() ?? 0
    }
    if let width, let flexible, flexible < widths.count {
      let others = widths.enumerated().filter { $0.offset != flexible }.map(\.element).reduce(0, +)
      let room = max(width - others - 2 * (widths.count - 1), 8)
      if widths[flexible] > room {
        cells = cells.map { row in
          var row = row
          if row[flexible].count > room { row[flexible] = String(row[flexible].prefix(room - 1)) + "…" }
          return row
        }
        widths[flexible] = room
      }
    }
    return cells.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }
}
