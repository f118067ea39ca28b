import Foundation

/// A step graded once.
public struct StepGrade: Sendable, Equatable {
  public var step: String
  public var checks: [CheckReport]
  public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }
  public var outcomes: [CheckOutcome] { checks.map(\.outcome) }
}
