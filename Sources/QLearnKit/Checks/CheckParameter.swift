import Foundation

public struct CheckParameter: Sendable {
  public var name: String
  public var type: ParameterType
  public var doc: String
  /// Used when the lesson leaves the parameter out; nil makes it required.
  public var defaultValue: String?
}
