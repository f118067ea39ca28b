/// A lesson's use of a check from the library, with its arguments as written (typed by ``CheckLibrary/validate(_:sink:path:)``).
public struct CheckUse: Sendable {
  public var name: String
  public var arguments: [String: YAMLNode]
  public var location: SourceLocation
  /// Where the check's name was written, for "unknown check" diagnostics.
  public var nameLocation: SourceLocation
}
