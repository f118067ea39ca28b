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

extension Substring {
  func trimmingTrailingWhitespace() -> Substring {
    var result = self
    while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
    return result
  }
}
