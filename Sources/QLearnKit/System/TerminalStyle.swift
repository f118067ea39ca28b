import Foundation

/// How rendered text should look: whether ANSI styling may be used, and how wide a line may be.
public struct TerminalStyle: Sendable, Equatable {
  /// ANSI styling on/off. Off means the output contains no escape byte at all.
  public var color: Bool
  /// Wrap width in columns for prose (code is never wrapped).
  public var width: Int

  public init(color: Bool, width: Int) {
    self.color = color
    self.width = width
  }

  /// No styling, 80 columns: for pipes, files, logs and tests.
  public static let plain = TerminalStyle(color: false, width: 80)

  /// Widest wrap width chosen from a terminal: prose lines much longer than this are hard to read, so a wide window gets
  /// a comfortable measure instead of its full width.
  public static let maximumDetectedWidth = 100

  /// From the environment: color only when `fileDescriptor` is a TTY and `NO_COLOR` is unset/empty and `TERM != "dumb"`;
  /// width from the tty (capped at ``maximumDetectedWidth``), else from a numeric `COLUMNS`, else 80.
  public static func detect(
    fileDescriptor: Int32 = 1, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> TerminalStyle {
    let tty = Terminal.isTerminal(fileDescriptor)
    var width = 80
    if tty, let size = Terminal.size(of: fileDescriptor) {
      width = size.columns
    } else if let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 {
      width = columns
    }
    return TerminalStyle(
      color: tty && Terminal.colorAllowed(environment: environment),
      width: min(width, maximumDetectedWidth))
  }
}
