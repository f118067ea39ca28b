/// One node of a parsed YAML document, with the place it starts in the lesson file.
///
/// The tree is untyped on purpose: typed decoding happens above it, and keeps `location` so that every later complaint
/// ("expected a list, found a string") can point at `file:line:column`.
public struct YAMLNode: Sendable {
  public enum Kind: Sendable {
    /// `plain` is true for unquoted scalars: only they may be read as null/bool/number later.
    case scalar(String, plain: Bool)
    case sequence([YAMLNode])
    case mapping([YAMLPair])  // in document order
  }

  public var kind: Kind
  /// Start mark of the node (1-based line and column; columns count Unicode scalars, as libyaml does).
  /// For a node copied from an alias, the copy's top node points at the `*alias` use, its children at the anchored text.
  public var location: SourceLocation
  /// Explicit tag if any, with the standard `tag:yaml.org,2002:` prefix written back as `!!` (e.g. "!!str"); else nil.
  public var tag: String?

  public init(kind: Kind, location: SourceLocation, tag: String? = nil) {
    self.kind = kind
    self.location = location
    self.tag = tag
  }
}

/// A key and its value in a mapping. Keys are always scalars: `YAML.parse` refuses any other key.
public struct YAMLPair: Sendable {
  public var key: YAMLNode
  public var value: YAMLNode

  public init(key: YAMLNode, value: YAMLNode) {
    self.key = key
    self.value = value
  }
}

extension YAMLNode {
  /// The text when this is a scalar (quoted or not), else nil.
  public var scalar: String? {
    if case .scalar(let text, _) = kind { return text }
    return nil
  }

  /// True for an unquoted "", "~", "null", "Null" or "NULL" without a tag other than `!!null`:
  /// `title:` with nothing after it is null, but `title: ""` and `title: !!str null` are strings.
  public var isNull: Bool {
    guard case .scalar(let text, plain: true) = kind, tag == nil || tag == "!!null" else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(text)
  }

  /// The value for a scalar key equal to `key`, when this is a mapping. Keys are unique (the parser refuses
  /// duplicates), so there is at most one match.
  public subscript(key: String) -> YAMLNode? {
    guard case .mapping(let pairs) = kind else { return nil }
    return pairs.first { $0.key.scalar == key }?.value
  }

  /// What this node is, worded for "expected X, found Y" messages. A null scalar reads "an empty value", since
  /// "found a string" would puzzle someone who wrote nothing at all.
  public var kindName: String {
    switch kind {
    case .scalar: isNull ? "an empty value" : "a string"
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }
}
