import Foundation

/// One check of a step, graded: its verdict and, for the learner, what was expected and what was found.
public struct CheckReport: Sendable, Equatable {
  /// The check's name in the library (`answer-equals`).
  public var name: String
  /// The name with its arguments, as the learner reads it (`path-count pattern=/sys/... value=0`).
  public var label: String
  public var passed: Bool
  public var expected: String
  public var actual: String
  /// A question's answer that the learner may not see yet: `expected` then says so instead of naming it.
  public var hidesExpected: Bool = false

  /// What a learner reads about a failure: `"4" is not it` for a question, `expected X, actual Y` otherwise.
  public var failureText: String {
    hidesExpected ? (actual.hasPrefix("\"") ? "\(actual) is not it" : actual) : "expected \(expected), actual \(actual)"
  }

  public var outcome: CheckOutcome {
    CheckOutcome(name: name, passed: passed, expected: expected, actual: actual, message: passed ? "" : failureText)
  }

  /// What `expected` says while a question's answer is hidden.
  public static let hiddenExpectation = "the answer (not shown)"
}
