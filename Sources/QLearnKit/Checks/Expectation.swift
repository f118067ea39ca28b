import Foundation

/// One expectation on what was inspected. A check passes when all its expectations hold.
public enum Expectation: Sendable {
  /// Some line matches the regex.
  case matches(Template)
  /// No line matches the regex.
  case notMatches(Template)
  /// The text, trimmed, equals this.
  case equals(Template)
  /// The number of lines (or glob matches, or interrupt rows) compared with a value.
  case count(ComparisonTemplate)
  /// The text read as a number, compared with a value.
  case number(ComparisonTemplate)
  /// The guest command's exit status.
  case status(Template)
  /// Interrupts: the increase since the step began, on one CPU or summed over all, compared with a value.
  case delta(cpu: Template?, ComparisonTemplate)

  public static let kinds = ["matches", "not-matches", "equals", "count", "number", "status", "delta"]
}
