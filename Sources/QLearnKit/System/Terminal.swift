import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Facts about the terminal qlearn writes to, each asked of the kernel once, where it is needed.
///
/// Kept apart from rendering so that the renderer stays a pure function of (text, style) and tests can build any style.
public enum Terminal {
  /// Whether `fileDescriptor` is a terminal (and not a pipe, a file or closed).
  public static func isTerminal(_ fileDescriptor: Int32) -> Bool {
    // isatty(3) answers 0 with errno ENOTTY for "not a terminal"; only a negative answer could be a failure, and it has none.
    (try? syscall("isatty", "fd \(fileDescriptor)") { isatty(fileDescriptor) }) == 1
  }

  /// The terminal's size in character cells (`TIOCGWINSZ`), or nil when `fileDescriptor` is not a terminal or the
  /// terminal does not know its size (a serial line reports 0×0).
  public static func size(of fileDescriptor: Int32) -> (columns: Int, rows: Int)? {
    var window = winsize()
    let answered = (try? syscall("ioctl", "TIOCGWINSZ fd \(fileDescriptor)") {
      ioctl(fileDescriptor, UInt(TIOCGWINSZ), &window)
    }) != nil
    guard answered, window.ws_col > 0, window.ws_row > 0 else { return nil }
    return (Int(window.ws_col), Int(window.ws_row))
  }

  /// Whether the environment lets qlearn use ANSI styling at all: `NO_COLOR` unset or empty (https://no-color.org) and
  /// `TERM` not `dumb`. Says nothing about whether the output is a terminal.
  public static func colorAllowed(environment: [String: String]) -> Bool {
    if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
    if environment["TERM"] == "dumb" { return false }
    return true
  }
}

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
