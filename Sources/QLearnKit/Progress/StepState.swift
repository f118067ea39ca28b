import Foundation

/// Where the learner stands on a step, derived from what they did (never stored).
public enum StepState: String, Sendable, Encodable {
  case notStarted = "not started"
  case inProgress = "in progress"
  case passed
  case skipped
}
