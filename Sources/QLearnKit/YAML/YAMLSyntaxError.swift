import CYAML

/// Turns libyaml's terse error state (`problem`, `problem_mark`, `context`, `context_mark`) into a `YAMLError` that
/// says, in words a lesson author understands, what is wrong and where.
enum YAMLSyntaxError {
  static func from(_ parser: yaml_parser_t, text: String, file: String, firstLine: Int) -> YAMLError {
    let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
    let context = parser.context.map { String(cString: $0) }
    func location(_ mark: yaml_mark_t) -> SourceLocation {
      SourceLocation(file: file, line: Int(mark.line) + firstLine, column: Int(mark.column) + 1)
    }

    switch parser.error {
    case YAML_MEMORY_ERROR:
      return YAMLError(
        reason: .syntax, location: SourceLocation(file: file, line: firstLine, column: 1),
        message: "libyaml ran out of memory while reading the front matter",
        suggestion: "The machine is out of memory; close other programs and try again.")
    case YAML_READER_ERROR:
      // Reader errors carry a byte offset instead of a mark.
      let (line, column) = lineAndColumn(ofByte: parser.problem_offset, in: text)
      let value = parser.problem_value
      let hex = String(value, radix: 16, uppercase: true)
      let character = value >= 0 ? " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))" : ""
      return YAMLError(
        reason: .syntax, location: SourceLocation(file: file, line: line + firstLine, column: column + 1),
        message: "the front matter contains a character YAML does not allow\(character): \(problem)",
        suggestion: "Delete the character, or write it as an escape inside a double-quoted string (\"\\u0007\").")
    default:
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let line = Int(parser.problem_mark.line)
      let sourceLine = line < lines.count ? lines[line] : ""
      var problemAt = location(parser.problem_mark)
      let contextAt = context == nil ? nil : location(parser.context_mark)

      // Tabs are the commonest hand-written YAML mistake and libyaml's words for them ("found character that cannot
      // start any token") don't mention tabs, so look at the line itself.
      if let tab = leadingTab(in: sourceLine) {
        problemAt.column = tab + 1
        return YAMLError(
          reason: .syntax, location: problemAt,
          message: "this line is indented with a tab; YAML allows only spaces for indentation",
          suggestion: "Replace the tab with spaces, using the same number of spaces as the lines around it.")
      }
      let (message, suggestion) = explain(problem: problem, context: context, contextAt: contextAt)
      return YAMLError(reason: .syntax, location: problemAt, message: message, suggestion: suggestion)
    }
  }

  /// libyaml's problem text, reworded where we know a friendlier one, with its context ("while parsing a block
  /// mapping") and where that context started.
  static func explain(problem: String, context: String?, contextAt: SourceLocation?) -> (String, String) {
    let started = contextAt.map { " started on line \($0.line), column \($0.column)" } ?? ""
    let generic =
      "Check this line and the one above it; quote values that contain ':', '#', '[', '{' "
      + "or start with '*', '&', '!', '@' or '`'."
    switch (problem, context ?? "") {
    case ("did not find expected ',' or ']'", _):
      return (
        "this flow list ('[ ... ]')\(started) is not closed: expected ',' or ']'",
        "Close the list with ']' on the same logical value, or separate its items with commas.")
    case ("did not find expected ',' or '}'", _):
      return (
        "this flow mapping ('{ ... }')\(started) is not closed: expected ',' or '}'",
        "Close the mapping with '}', or separate its entries with commas.")
    case ("found unexpected end of stream", let c) where c.contains("quoted scalar"):
      return (
        "the quoted string\(started) is never closed", "Add the closing quote at the end of the value.")
    case ("mapping values are not allowed in this context", _):
      return (
        "found ': ' where no mapping can start; a value that contains ': ' must be quoted",
        "Put the value in quotes, e.g. title: \"Queues: the basics\", or fix the indentation of this line.")
    case ("did not find expected key", _):
      return (
        "this line's indentation does not fit the mapping\(started)",
        "Indent each key of a mapping by exactly the same number of spaces as its first key.")
    case ("did not find expected '-' indicator", _):
      return (
        "this line's indentation does not fit the list\(started)",
        "Start each item of a list with '- ' at exactly the same indentation as its first item.")
    case ("could not find expected ':'", _):
      return (
        "a key\(started) is not followed by ':'",
        "Write keys as 'key: value'; if this line continues a long value, quote the value instead.")
    case ("found character that cannot start any token", _):
      return ("a character here cannot start a YAML value", generic)
    default:
      let clause = context.map { ", \($0)\(started)" } ?? ""
      return ("YAML syntax error: \(problem)\(clause)", generic)
    }
  }

  /// The 0-based column (in Unicode scalars) of the first tab in the line's leading whitespace, if any.
  static func leadingTab(in line: Substring) -> Int? {
    for (column, scalar) in line.unicodeScalars.enumerated() {
      if scalar == "\t" { return column }
      if scalar != " " { return nil }
    }
    return nil
  }

  /// The 0-based line and column (in Unicode scalars, like libyaml's marks) of a byte offset into `text`.
  static func lineAndColumn(ofByte offset: Int, in text: String) -> (Int, Int) {
    var line = 0
    var column = 0
    var byte = 0
    for scalar in text.unicodeScalars {
      if byte >= offset { break }
      byte += UTF8.width(scalar)
      if scalar == "\n" {
        line += 1
        column = 0
      } else {
        column += 1
      }
    }
    return (line, column)
  }
}
