import Foundation

/// An operator and a value, either of which may be a `{{parameter}}` (the operator then from a `comparison` parameter).
public struct ComparisonTemplate: Sendable, Hashable {
  public var op: Template
  public var value: Template

  /// The operator once parameters are filled in, or nil if it is not one.
  public func comparison(with values: [String: String]) -> Comparison? {
    Comparison(rawValue: op.filled(with: values))
  }
}
