import CYAML

public enum YAML {
  /// Parses one YAML document. `firstLine` is the line number (in `file`) of the text's first line, because front matter
  /// starts below the opening `---` of a Markdown file; columns are unchanged. Returns nil for an empty document
  /// (no content at all, only comments, or a bare `---`).
  ///
  /// Uses libyaml's event API rather than its document loader so that every node keeps its start mark and so that
  /// alias expansion, node count and depth are bounded by `limits` while reading, not after.
  public static func parse(
    _ text: String, file: String, firstLine: Int = 1, limits: YAMLLimits = .init()
  ) throws(YAMLError) -> YAMLNode? {
    let bytes = Array(text.utf8)
    let start = SourceLocation(file: file, line: firstLine, column: 1)
    guard bytes.count <= limits.maxBytes else {
      throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes, at: start)
    }
    guard !bytes.isEmpty else { return nil }  // libyaml asserts on a NULL input pointer

    // Heap-allocated because libyaml stores a pointer to the parser inside itself for its string reader;
    // the address of a Swift local passed as `&parser` is not guaranteed to stay the same between calls.
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else {
      throw YAMLError(
        reason: .syntax, location: start, message: "libyaml could not allocate a parser to read the front matter",
        suggestion: "The machine is out of memory; close other programs and try again.")
    }
    defer { yaml_parser_delete(parser) }

    return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
      // libyaml reads from `buffer` without copying it, so all parsing happens inside this closure.
      guard let base = buffer.baseAddress else { return nil }
      yaml_parser_set_input_string(parser, base, buffer.count)
      var builder = YAMLTreeBuilder(file: file, firstLine: firstLine, limits: limits)
      var event = yaml_event_t()
      while true {
        guard yaml_parser_parse(parser, &event) == 1 else {
          throw YAMLSyntaxError.from(parser.pointee, text: text, file: file, firstLine: firstLine)
        }
        defer { yaml_event_delete(&event) }
        if try builder.handle(event) { break }
      }
      return builder.root
    }
  }
}
