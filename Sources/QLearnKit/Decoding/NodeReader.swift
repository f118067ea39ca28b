/// Reads one YAML node as a typed value, reporting what was expected and what was found, with the node's location and
/// key path. Decoders built on it never throw on bad input: they report, return nil, and go on, so lint sees every problem.
public struct NodeReader {
  public let node: YAMLNode
  public let path: String
  public let sink: DiagnosticSink

  public init(_ node: YAMLNode, path: String, sink: DiagnosticSink) {
    self.node = node
    self.path = path
    self.sink = sink
  }

  public var location: SourceLocation { node.location }

  public func fail(_ message: String, suggestion: String? = nil) {
    sink.error(node.location, path, message, suggestion: suggestion)
  }

  func mismatch(_ expected: String) {
    let found: String
    if let text = node.scalar {
      found = node.isNull ? "nothing" : "'\(TerminalSafe.clip(text))'"
    } else {
      found = node.kindName
    }
    fail("expected \(expected), found \(found)")
  }

  /// Any scalar, as text, of at most `maxLength` characters. Numbers and words are fine: `serial: 1234` is the string
  /// "1234".
  public func string(maxLength: Int = LessonLimits.text) -> String? {
    guard let text = node.scalar, !node.isNull else {
      mismatch("a string")
      return nil
    }
    guard text.count <= maxLength else {
      fail(
        "this text is \(text.count) characters long, over the limit of \(maxLength) qlearn sets here",
        suggestion: "Shorten it; long explanations belong in the lesson's prose below the front matter.")
      return nil
    }
    return text
  }

  /// A string that matches `pattern`, described to the user as `what`.
  public func word(_ what: String, allowed: (Character) -> Bool, maxLength: Int = 64) -> String? {
    guard let text = string() else { return nil }
    if text.isEmpty || text.count > maxLength || !text.allSatisfy(allowed) {
      mismatch(what)
      return nil
    }
    return text
  }

  /// An identifier: letters, digits, `-`, `_` and `.`, starting with a letter. Ids end up inside QEMU options and file
  /// names, so they are kept to characters that need no quoting anywhere.
  public func identifier() -> String? {
    guard let text = string() else { return nil }
    guard Identifier.isValid(text) else {
      fail(
        "'\(TerminalSafe.clip(text))' is not a valid id",
        suggestion: "Use letters, digits, '-' and '_', starting with a letter (at most 32 characters).")
      return nil
    }
    return text
  }

  /// A decimal or `0x` hexadecimal integer within `range`.
  public func integer(in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
    guard case .scalar(let text, let plain) = node.kind, plain, let value = Self.parseInteger(text) else {
      mismatch("a whole number")
      return nil
    }
    guard range.contains(value) else {
      fail("\(value) is out of range: expected \(range.lowerBound) to \(range.upperBound)")
      return nil
    }
    return value
  }

  static func parseInteger(_ text: String) -> Int? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return Int(text.dropFirst(2), radix: 16) }
    return Int(text)
  }

  /// `true`/`false`, and QEMU's own `on`/`off`, so lessons can copy QEMU's spelling.
  public func boolean() -> Bool? {
    guard case .scalar(let text, let plain) = node.kind, plain else {
      mismatch("true or false")
      return nil
    }
    switch text.lowercased() {
    case "true", "on", "yes": return true
    case "false", "off", "no": return false
    default:
      mismatch("true or false")
      return nil
    }
  }

  /// A memory or disk size: bytes, or a number with a binary unit as QEMU reads it (`512M`, `2G`, `2048MiB`).
  /// A size such as `64M`, at most `limit` when one is given (`what` names it in the refusal).
  public func size(atMost limit: ByteCount? = nil, _ what: String = "this size") -> ByteCount? {
    guard let text = node.scalar, !node.isNull, let bytes = ByteCount(parsing: text) else {
      mismatch("a size such as 64M or 2G")
      return nil
    }
    if let limit, bytes > limit {
      fail(
        "\(what) is \(bytes), over the limit of \(limit) qlearn sets for a lesson",
        suggestion: "A lesson's machine runs on the learner's computer; give it what the lesson needs.")
      return nil
    }
    return bytes
  }

  /// The list's items, each read by `each` (items that fail are reported by `each` and dropped); at most `max` of them
  /// (`what` names them in the refusal).
  public func list<T>(max: Int = .max, of what: String = "items", _ each: (NodeReader) -> T?) -> [T]? {
    guard case .sequence(let items) = node.kind else {
      mismatch("a list")
      return nil
    }
    guard items.count <= max else {
      fail(
        "this list has \(items.count) \(what), over the limit of \(max) qlearn sets for a lesson",
        suggestion: "Split the lesson, or keep the \(what) that teach the most.")
      return nil
    }
    return items.enumerated().compactMap { index, item in
      each(NodeReader(item, path: "\(path)[\(index)]", sink: sink))
    }
  }

  /// A mapping whose keys must all be in `known` (checked by ``MappingReader/finish()``).
  public func mapping(known: [String]) -> MappingReader? {
    guard case .mapping(let pairs) = node.kind else {
      mismatch("a mapping of keys to values")
      return nil
    }
    return MappingReader(pairs: pairs, reader: self, known: known)
  }
}

extension NodeReader {
  /// One of an enumeration's raw values, listing the allowed ones (and the closest) when it is not.
  public func enumeration<E: RawRepresentable & CaseIterable>(_ type: E.Type, what: String) -> E?
  where E.RawValue == String {
    guard let text = string() else { return nil }
    if let value = E(rawValue: text) { return value }
    let allowed = E.allCases.map(\.rawValue)
    fail(
      "'\(TerminalSafe.clip(text))' is not \(what)" + Spelling.didYouMean(text, in: allowed),
      suggestion: "Use one of: \(allowed.joined(separator: ", ")).")
    return nil
  }
}
