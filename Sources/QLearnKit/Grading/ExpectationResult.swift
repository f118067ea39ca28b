import Foundation

/// One expectation's verdict, with what was expected and what was found, both ready to print.
public struct ExpectationResult: Sendable, Equatable {
  public var passed: Bool
  public var expected: String
  public var actual: String
}
