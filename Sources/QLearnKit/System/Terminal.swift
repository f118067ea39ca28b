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
