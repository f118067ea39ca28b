/// The keys of one mapping: typed access by key, and a final check that flags keys nobody asked for.
public final class MappingReader {
  let pairs: [YAMLPair]
  let reader: NodeReader
  let known: [String]
  private var unknownChecked = false

  init(pairs: [YAMLPair], reader: NodeReader, known: [String]) {
    self.pairs = pairs
    self.reader = reader
    self.known = known
  }

  public var keys: [String] { pairs.compactMap { $0.key.scalar } }

  /// The value under `key`, or nil when absent (or null).
  public func optional(_ key: String) -> NodeReader? {
    precondition(known.contains(key), "decoder asked for undeclared key \(key)")
    guard let pair = pairs.first(where: { $0.key.scalar == key }), !pair.value.isNull else { return nil }
    return NodeReader(pair.value, path: childPath(key), sink: reader.sink)
  }

  /// The value under `key`; reports it missing when absent.
  public func required(_ key: String, _ what: String) -> NodeReader? {
    if let value = optional(key) { return value }
    reader.fail("missing '\(key)' (\(what))", suggestion: "Add '\(key):' to this mapping.")
    return nil
  }

  func childPath(_ key: String) -> String { reader.path.isEmpty ? key : "\(reader.path).\(key)" }

  /// Reports every key that is not in `known`, naming the closest known one.
  public func finish() {
    guard !unknownChecked else { return }
    unknownChecked = true
    for pair in pairs {
      guard let key = pair.key.scalar, !known.contains(key) else { continue }
      let hint = Spelling.closest(to: key, in: known)
      reader.sink.error(
        pair.key.location, childPath(key),
        "unknown key '\(TerminalSafe.clip(key))'" + (hint.map { ": did you mean '\($0)'?" } ?? ""),
        suggestion: hint == nil ? "Known keys here: \(known.joined(separator: ", "))." : nil)
    }
  }
}
