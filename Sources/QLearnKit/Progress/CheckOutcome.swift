import Foundation

/// One check's verdict within an attempt, as the grader reported it and the learner saw it.
public struct CheckOutcome: Sendable, Equatable, Encodable {
  public var name: String
  public var passed: Bool
  public var expected: String
  public var actual: String
  public var message: String

  public init(name: String, passed: Bool, expected: String = "", actual: String = "", message: String = "") {
    self.name = name
    self.passed = passed
    self.expected = expected
    self.actual = actual
    self.message = message
  }
}
