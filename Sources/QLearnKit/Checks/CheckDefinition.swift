import Foundation

/// A reusable check from the `Checks/` library: what it inspects in the live session and what it expects to find.
/// Lessons use it by name and fill in its parameters; its texts may refer to them as `{{name}}`.
public struct CheckDefinition: Sendable {
  public var name: String
  public var summary: String
  public var parameters: [CheckParameter]
  public var inspect: Inspection
  public var expect: [Expectation]
  public var file: String
  public var location: SourceLocation

  public func parameter(named name: String) -> CheckParameter? { parameters.first { $0.name == name } }
}
