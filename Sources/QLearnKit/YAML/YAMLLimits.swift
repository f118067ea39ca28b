/// Bounds on what `YAML.parse` accepts.
///
/// Lesson front matter is written by hand and may come from anyone, so the reader refuses input that would cost
/// unbounded memory or time: very large text, many aliases, alias chains that expand exponentially ("billion laughs"),
/// and deep nesting. The defaults are far above what a real lesson's front matter needs.
public struct YAMLLimits: Sendable {
  /// Largest accepted text, counted in UTF-8 bytes, checked before libyaml sees anything.
  public var maxBytes: Int
  /// Most alias uses (`*name`) accepted in one document.
  public var maxAliases: Int
  /// Most nodes (scalars, lists, mappings, keys included) in the tree after every alias has been expanded.
  public var maxNodes: Int
  /// Deepest nesting of lists and mappings; a top-level mapping is depth 1.
  public var maxDepth: Int

  public init(maxBytes: Int = 64 * 1024, maxAliases: Int = 32, maxNodes: Int = 10_000, maxDepth: Int = 64) {
    self.maxBytes = maxBytes
    self.maxAliases = maxAliases
    self.maxNodes = maxNodes
    self.maxDepth = maxDepth
  }
}
