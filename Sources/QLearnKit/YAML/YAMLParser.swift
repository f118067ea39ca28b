import CYAML

/// Builds the node tree from libyaml events, expanding aliases by copy and enforcing `YAMLLimits` as it goes.
struct YAMLTreeBuilder {
  /// A sequence or mapping whose start event has been seen but not yet its end.
  private struct Frame {
    var location: SourceLocation
    var tag: String?
    var anchor: String?
    var isMapping: Bool
    var items: [YAMLNode] = []
    var pairs: [YAMLPair] = []
    var pendingKey: YAMLNode?
    var firstSeen: [String: SourceLocation] = [:]
    /// Nodes in this collection after expansion, itself included: what an alias to it will cost.
    var nodeCount = 1
    /// Deepest nesting below this collection, so an alias to it can be checked against `maxDepth`.
    var childHeight = 0
  }

  /// An anchored node, with what it costs to copy: its node count and its nesting height (0 for a scalar).
  private struct Anchored {
    var node: YAMLNode
    var nodeCount: Int
    var height: Int
  }

  let file: String
  let firstLine: Int
  let limits: YAMLLimits
  private(set) var root: YAMLNode?
  private var stack: [Frame] = []
  private var anchors: [String: Anchored] = [:]
  private var documents = 0
  private var aliasUses = 0
  private var nodeCount = 0

  init(file: String, firstLine: Int, limits: YAMLLimits) {
    self.file = file
    self.firstLine = firstLine
    self.limits = limits
  }

  /// Consumes one event; returns true at the end of the stream.
  mutating func handle(_ event: yaml_event_t) throws(YAMLError) -> Bool {
    let location = self.location(event.start_mark)
    switch event.type {
    case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
      return true
    case YAML_DOCUMENT_START_EVENT:
      documents += 1
      if documents > 1 { throw .multipleDocuments(at: location) }
    case YAML_SCALAR_EVENT:
      let s = event.data.scalar
      let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
      let node = YAMLNode(
        kind: .scalar(text, plain: s.style == YAML_PLAIN_SCALAR_STYLE), location: location,
        tag: try Self.coreTag(s.tag, at: location))
      if let control = text.unicodeScalars.first(where: Self.isControl) {
        throw .controlCharacter(control.value, at: location)
      }
      try count(1, alias: nil, at: location)
      try add(node, nodeCount: 1, height: 0, anchor: Self.string(s.anchor))
    case YAML_SEQUENCE_START_EVENT:
      let s = event.data.sequence_start
      try open(
        Frame(location: location, tag: try Self.coreTag(s.tag, at: location), anchor: Self.string(s.anchor), isMapping: false))
    case YAML_MAPPING_START_EVENT:
      let m = event.data.mapping_start
      try open(
        Frame(location: location, tag: try Self.coreTag(m.tag, at: location), anchor: Self.string(m.anchor), isMapping: true))
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      guard let frame = stack.popLast() else { break }
      let kind: YAMLNode.Kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
      try add(
        YAMLNode(kind: kind, location: frame.location, tag: frame.tag),
        nodeCount: frame.nodeCount, height: frame.childHeight + 1, anchor: frame.anchor)
    case YAML_ALIAS_EVENT:
      try alias(Self.string(event.data.alias.anchor) ?? "", at: location)
    default:
      break  // stream start, document end: nothing to build
    }
    return false
  }

  private mutating func open(_ frame: Frame) throws(YAMLError) {
    if stack.count + 1 > limits.maxDepth { throw .tooDeep(limit: limits.maxDepth, at: frame.location) }
    try count(1, alias: nil, at: frame.location)
    stack.append(frame)
  }

  /// Copies the anchored node in place of `*name`; the copy's top node takes the alias's location so that a later
  /// type error points at the line that used the value.
  private mutating func alias(_ name: String, at location: SourceLocation) throws(YAMLError) {
    aliasUses += 1
    if aliasUses > limits.maxAliases { throw .tooManyAliases(limit: limits.maxAliases, alias: name, at: location) }
    guard let anchored = anchors[name] else {
      throw .undefinedAlias(name, recursive: stack.contains { $0.anchor == name }, at: location)
    }
    if stack.count + anchored.height > limits.maxDepth { throw .tooDeep(limit: limits.maxDepth, at: location) }
    try count(anchored.nodeCount, alias: name, at: location)
    var copy = anchored.node
    copy.location = location
    try add(copy, nodeCount: anchored.nodeCount, height: anchored.height, anchor: nil)
  }

  private mutating func count(_ nodes: Int, alias: String?, at location: SourceLocation) throws(YAMLError) {
    nodeCount += nodes
    if nodeCount > limits.maxNodes { throw .tooManyNodes(limit: limits.maxNodes, alias: alias, at: location) }
  }

  /// Places a finished node into the collection being built (as key, value or item), or makes it the root.
  private mutating func add(_ node: YAMLNode, nodeCount: Int, height: Int, anchor: String?) throws(YAMLError) {
    if let anchor { anchors[anchor] = Anchored(node: node, nodeCount: nodeCount, height: height) }
    guard var frame = stack.popLast() else {
      root = Self.isEmptyDocument(node) ? nil : node
      return
    }
    defer { stack.append(frame) }
    frame.nodeCount += nodeCount
    frame.childHeight = max(frame.childHeight, height)
    if !frame.isMapping {
      frame.items.append(node)
    } else if let key = frame.pendingKey {
      frame.pairs.append(YAMLPair(key: key, value: node))
      frame.pendingKey = nil
    } else {
      guard let text = node.scalar else { throw .nonScalarKey(found: node.kindName, at: node.location) }
      if let first = frame.firstSeen[text] { throw .duplicateKey(text, first: first, at: node.location) }
      frame.firstSeen[text] = node.location
      frame.pendingKey = node
    }
  }

  /// libyaml reports a document with no content (a bare `---`) as one empty plain scalar.
  private static func isEmptyDocument(_ node: YAMLNode) -> Bool {
    if case .scalar("", plain: true) = node.kind, node.tag == nil { return true }
    return false
  }

  private func location(_ mark: yaml_mark_t) -> SourceLocation {
    SourceLocation(file: file, line: Int(mark.line) + firstLine, column: Int(mark.column) + 1)
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  /// A character no lesson value needs and a terminal could obey: C0 controls but tab and newline, DEL, C1 controls.
  /// libyaml refuses them written raw; a double-quoted string can still spell them as escapes (`"\e[2J"`, `"\0"`).
  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A: false
    case 0x00...0x1F, 0x7F...0x9F: true
    default: false
    }
  }

  /// The tags of YAML's core schema, in the short form authors write, and `!` (YAML's "non-specific" tag: a quoted
  /// string). Anything else (`!!binary`, `!!set`, `!!python/object`, a local `!thing`) asks a loader for types a
  /// lesson never needs, so it is refused where it stands.
  static let coreTags: Set<String> = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map", "!"]

  private static func coreTag(
    _ pointer: UnsafeMutablePointer<yaml_char_t>?, at location: SourceLocation
  ) throws(YAMLError) -> String? {
    guard let tag = tag(pointer) else { return nil }
    guard coreTags.contains(tag) else { throw .unsupportedTag(String(tag.prefix(60)), at: location) }
    return tag
  }

  /// libyaml resolves `!!str` to `tag:yaml.org,2002:str`; give it back in the short form authors write.
  private static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    guard let tag = string(pointer) else { return nil }
    let standard = "tag:yaml.org,2002:"
    return tag.hasPrefix(standard) ? "!!" + tag.dropFirst(standard.count) : tag
  }
}
