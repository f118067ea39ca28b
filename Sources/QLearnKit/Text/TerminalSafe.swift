/// Keeps lesson text quoted inside a diagnostic short and free of control characters, since diagnostics go to a terminal.
/// A tab becomes a space (guest command output is full of them and they cannot start an escape sequence); every other
/// control character becomes U+FFFD.
public enum TerminalSafe {
  public static func clip(_ text: String, limit: Int = 60) -> String {
    let cleaned = String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { scalar in
          scalar == "\t" ? " " : scalar.properties.generalCategory == .control ? "\u{FFFD}" : scalar
        }))
    return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
  }

  /// Multi-line text with every control character but newline replaced, for diagnostics that quote lesson text.
  public static func line(_ text: String) -> String {
    String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { scalar in
          scalar == "\t" ? " " : scalar != "\n" && scalar.properties.generalCategory == .control ? "\u{FFFD}" : scalar
        }))
  }
}
