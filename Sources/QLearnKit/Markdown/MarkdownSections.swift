import CCmark

/// Finds the parts of a lesson by heading. Lessons name each step's prose by its heading, so the heading text is the
/// key; positions come from cmark's block source positions, so what counts as a heading is exactly what the renderer
/// shows as one (not a `#` inside a code block, yes a setext `Title\n=====`).
///
/// If the text starts with YAML front matter (a `---` line up to a closing `---` or `...` line), the front matter is
/// ignored, and line numbers stay those of the whole file, ready for a lint message.
public enum MarkdownSections {
  /// The Markdown of the section under the heading whose text equals `heading` (case-insensitive, trimmed, runs of
  /// whitespace counted as one space), up to the next heading of the same or higher level; nil if no such heading.
  ///
  /// The heading line itself is not included, nor are blank lines at either end; an empty section gives "". The first
  /// matching heading wins.
  public static func section(of markdown: String, heading: String) -> String? {
    let wanted = normalized(heading)
    let found = scan(markdown)
    guard let index = found.firstIndex(where: { normalized($0.text) == wanted }) else { return nil }
    let match = found[index]
    let next = found[(index + 1)...].first { $0.level <= match.level }
    let lines = sourceLines(of: markdown)
    // 1-based lines: content runs from the line after the heading's last line to the line before the next heading.
    let from = min(match.endLine, lines.count)
    let to = min(max((next?.line ?? lines.count + 1) - 1, from), lines.count)
    var body = Array(lines[from..<to])
    while let first = body.first, isBlank(first) { body.removeFirst() }
    while let last = body.last, isBlank(last) { body.removeLast() }
    return body.isEmpty ? "" : body.joined(separator: "\n") + "\n"
  }

  /// All heading texts with their 1-based source line, for lint ("step 'x' names heading 'Foo' which does not exist").
  /// The text is what the reader sees (inline markup removed), sanitized for printing and trimmed.
  public static func headings(in markdown: String) -> [(level: Int, text: String, line: Int)] {
    scan(markdown).map { ($0.level, $0.text, $0.line) }
  }

  private struct Heading {
    var level: Int
    var text: String
    var line: Int
    var endLine: Int
  }

  private static func scan(_ markdown: String) -> [Heading] {
    let source = blankingFrontMatter(markdown)
    let lines = sourceLines(of: source)
    let found = CmarkParser.withDocument(source) { document -> [Heading] in
      guard let iterator = cmark_iter_new(document) else { return [] }
      defer { cmark_iter_free(iterator) }
      var headings: [Heading] = []
      var current: Heading? = nil
      while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard let node = cmark_iter_get_node(iterator) else { continue }
        let type = cmark_node_get_type(node)
        if type == CMARK_NODE_HEADING {
          if event == CMARK_EVENT_ENTER {
            current = Heading(
              level: Int(cmark_node_get_heading_level(node)), text: "",
              line: Int(cmark_node_get_start_line(node)),
              endLine: headingEndLine(
                start: Int(cmark_node_get_start_line(node)), reported: Int(cmark_node_get_end_line(node)),
                lines: lines))
          } else if var heading = current {
            heading.text = TerminalText.sanitize(heading.text).trimmingWhitespace()
            headings.append(heading)
            current = nil
          }
        } else if current != nil, event == CMARK_EVENT_ENTER {
          switch type {
          case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE:
            current?.text += CmarkParser.literal(node)
          case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            current?.text += " "
          default:
            break
          }
        }
      }
      return headings
    }
    return found ?? []
  }

  /// cmark 0.30 reports a setext heading as ending on the line *after* its underline when a paragraph follows at once,
  /// which would swallow that line. So: an ATX heading is one line; a setext heading ends at its underline.
  private static func headingEndLine(start: Int, reported: Int, lines: [Substring]) -> Int {
    guard start >= 1, start <= lines.count else { return reported }
    if isATXHeading(lines[start - 1]) { return start }
    for line in start...min(max(reported, start), lines.count) where isSetextUnderline(lines[line - 1]) {
      return line
    }
    return reported
  }

  private static func isATXHeading(_ line: Substring) -> Bool {
    let body = line.drop(while: { $0 == " " })
    guard line.count - body.count <= 3 else { return false }
    let hashes = body.prefix(while: { $0 == "#" }).count
    guard (1...6).contains(hashes) else { return false }
    let rest = body.dropFirst(hashes)
    return rest.isEmpty || rest.first == " " || rest.first == "\t"
  }

  private static func isSetextUnderline(_ line: Substring) -> Bool {
    let body = line.drop(while: { $0 == " " })
    guard line.count - body.count <= 3, let mark = body.first, mark == "=" || mark == "-" else { return false }
    let run = body.prefix(while: { $0 == mark })
    return body.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" }
  }

  private static func normalized(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
  }

  private static func isBlank(_ line: Substring) -> Bool {
    line.allSatisfy { $0 == " " || $0 == "\t" }
  }

  /// Lines as cmark counts them: `\n`, `\r\n` and a lone `\r` each end one.
  static func sourceLines(of text: String) -> [Substring] {
    var lines: [Substring] = []
    var start = text.unicodeScalars.startIndex
    var index = start
    let scalars = text.unicodeScalars
    while index < scalars.endIndex {
      let scalar = scalars[index]
      if scalar == "\n" || scalar == "\r" {
        lines.append(Substring(scalars[start..<index]))
        var next = scalars.index(after: index)
        if scalar == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
        start = next
        index = next
      } else {
        index = scalars.index(after: index)
      }
    }
    if start < scalars.endIndex { lines.append(Substring(scalars[start...])) }
    return lines
  }

  /// The document with its YAML front matter (if any) replaced by as many empty lines, so cmark neither renders it
  /// (`title: x` over `---` would be a setext heading) nor shifts the line numbers after it.
  static func blankingFrontMatter(_ markdown: String) -> String {
    let lines = sourceLines(of: markdown)
    guard let first = lines.first, first.trimmingTrailingWhitespace() == "---" else { return markdown }
    guard
      let close = lines.indices.dropFirst().first(where: {
        let line = lines[$0].trimmingTrailingWhitespace()
        return line == "---" || line == "..."
      })
    else { return markdown }
    return String(repeating: "\n", count: close + 1) + lines[(close + 1)...].joined(separator: "\n")
  }
}

extension StringProtocol {
  fileprivate func trimmingWhitespace() -> String {
    String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
  }

  fileprivate func trimmingTrailingWhitespace() -> String {
    String(String(self.reversed().drop(while: { $0 == " " || $0 == "\t" })).reversed())
  }
}
