/// Text that is about to be written to a terminal.
///
/// A terminal obeys control characters found anywhere in its input: ESC and CSI (U+009B) start sequences that can clear
/// the screen, move the cursor, retitle the window, rewrite the clipboard or, on some terminals, answer back into the
/// learner's shell. Lessons are untrusted, so every piece of lesson text passes through ``sanitize(_:)`` before output.
public enum TerminalText {
  /// Columns a tab advances to: tab stops every 4 columns, counted from the start of each line of `text`.
  public static let tabWidth = 4

  /// Makes untrusted text safe for a terminal: no C0 or C1 control character survives, so an escape sequence in a lesson
  /// can never reach the terminal raw.
  ///
  /// - `\n` is kept; `\t` becomes spaces up to the next tab stop (``tabWidth``); `\r\n` becomes `\n`.
  /// - Other C0 characters (U+0000–U+001F) and DEL (U+007F) become visible caret notation as `cat -v` shows them:
  ///   ESC is `^[`, BEL is `^G`, a lone CR is `^M`, DEL is `^?`. An author who pasted an escape sequence sees where it is.
  /// - C1 characters (U+0080–U+009F, including CSI U+009B) have no caret notation; each becomes U+FFFD `�`.
  /// - Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) become U+FFFD too: they make a command read
  ///   differently on screen from what it is (the "Trojan Source" trick), and learners type what they see.
  public static func sanitize(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    out.reserveCapacity(text.unicodeScalars.count)
    var column = 0
    var pendingCR = false
    for scalar in text.unicodeScalars {
      if pendingCR {
        pendingCR = false
        if scalar != "\n" { appendCaret(0x0D, to: &out, column: &column) }
      }
      switch scalar.value {
      case 0x0A:
        out.append(scalar)
        column = 0
      case 0x09:
        let spaces = tabWidth - column % tabWidth
        for _ in 0..<spaces { out.append(" ") }
        column += spaces
      case 0x0D:
        pendingCR = true
      case 0x00...0x1F, 0x7F:
        appendCaret(scalar.value, to: &out, column: &column)
      case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
        out.append("\u{FFFD}")
        column += 1
      default:
        out.append(scalar)
        column += 1
      }
    }
    if pendingCR { appendCaret(0x0D, to: &out, column: &column) }
    return String(out)
  }

  private static func appendCaret(_ value: UInt32, to out: inout String.UnicodeScalarView, column: inout Int) {
    out.append("^")
    // ^@ .. ^_ for C0 (value + 0x40), ^? for DEL.
    out.append(value == 0x7F ? "?" : Unicode.Scalar(UInt8(value + 0x40)))
    column += 2
  }

  /// Columns `text` occupies on a terminal: East Asian wide characters and emoji take two, combining marks and other
  /// zero-width characters none. An approximation of `wcwidth(3)` that does not depend on the process locale.
  public static func width(of text: String) -> Int {
    var total = 0
    for character in text {
      total += width(of: character)
    }
    return total
  }

  static func width(of character: Character) -> Int {
    guard let first = character.unicodeScalars.first else { return 0 }
    if character.unicodeScalars.contains(where: { isWide($0) }) { return 2 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control: return 0
    default: return 1
    }
  }

  private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.properties.isEmojiPresentation { return true }
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
      0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x2FFFD,
      0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}
