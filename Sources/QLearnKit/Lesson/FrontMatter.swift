/// Splits a lesson file into its YAML front matter and its Markdown body.
///
/// The front matter opens with a line `---` as the file's first line and closes with the next line that is `---` (or
/// `...`), as Jekyll, Hugo and pandoc read it.
public struct FrontMatter: Sendable, Equatable {
  public var yaml: String
  /// Line of the file where the YAML text starts (the line after the opening `---`).
  public var yamlFirstLine: Int
  public var body: String
  public var bodyFirstLine: Int

  /// The largest lesson file qlearn reads; front matter has its own, smaller bound in ``YAMLLimits``.
  public static let maxFileBytes = 1 << 20

  public static func split(_ text: String, file: String) throws(LessonError) -> FrontMatter {
    func fail(_ line: Int, _ message: String, _ suggestion: String) -> LessonError {
      LessonError([Diagnostic(SourceLocation(file: file, line: line, column: 1), "", message, suggestion: suggestion)])
    }
    guard text.utf8.count <= maxFileBytes else {
      throw fail(1, "the lesson file is larger than 1 MiB", "Split the lesson into smaller ones.")
    }
    if let (location, scalar) = firstControlCharacter(in: text, file: file) {
      throw LessonError([
        Diagnostic(
          location, "",
          "the lesson holds the control character \(controlName(scalar)); lesson text must be plain text",
          suggestion: "Delete it (an editor may show it as \(caretForm(scalar))). To teach an escape sequence, write it "
            + "out as text, e.g. `\\e[2J` or `printf '\\033[2J'`.")
      ])
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
    guard let first = lines.first, first.trimmingTrailingWhitespace() == "---" else {
      throw fail(
        1, "the lesson does not start with front matter",
        "Put a line '---' first, then the lesson's YAML keys (id, title, machine, steps...), then a closing '---'.")
    }
    guard
      let close = lines.indices.dropFirst().first(where: {
        let line = lines[$0].trimmingTrailingWhitespace()
        return line == "---" || line == "..."
      })
    else {
      throw fail(
        1, "the front matter opened on line 1 is never closed",
        "Add a line '---' after the last YAML key, before the lesson's prose.")
    }
    return FrontMatter(
      yaml: lines[1..<close].joined(separator: "\n"), yamlFirstLine: 2,
      body: lines[(close + 1)...].joined(separator: "\n"), bodyFirstLine: close + 2)
  }
}

extension FrontMatter {
  /// The first character a terminal or a parser could take for a command, with its place: C0 controls but tab and
  /// newline (a carriage return only as half of a CRLF line end), DEL, and C1 controls. Lesson text is untrusted; a
  /// NUL or an escape sequence in it has no use a lesson needs.
  static func firstControlCharacter(in text: String, file: String) -> (SourceLocation, Unicode.Scalar)? {
    var line = 1
    var column = 1
    let scalars = Array(text.unicodeScalars)
    for (index, scalar) in scalars.enumerated() {
      switch scalar.value {
      case 0x0A:
        line += 1
        column = 1
        continue
      case 0x09:
        break
      case 0x0D where index + 1 < scalars.count && scalars[index + 1] == "\n":
        break
      case 0x00...0x1F, 0x7F...0x9F:
        return (SourceLocation(file: file, line: line, column: column), scalar)
      default:
        break
      }
      column += 1
    }
    return nil
  }

  static func controlName(_ scalar: Unicode.Scalar) -> String {
    let names: [UInt32: String] = [0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL"]
    let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
    return names[scalar.value].map { "\(code) (\($0))" } ?? code
  }

  static func caretForm(_ scalar: Unicode.Scalar) -> String {
    switch scalar.value {
    case 0x00...0x1F: "^" + String(Character(Unicode.Scalar(UInt8(scalar.value) + 0x40)))
    case 0x7F: "^?"
    default: "<" + String(scalar.value, radix: 16) + ">"
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

extension Substring {
  func trimmingTrailingWhitespace() -> Substring {
    var result = self
    while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
    return result
  }
}
