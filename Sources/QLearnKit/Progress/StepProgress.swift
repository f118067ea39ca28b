import Foundation

/// Encodable so that `qlearn progress --json` exports exactly what the store derives.
public struct StepProgress: Sendable, Equatable, Encodable {
  public var step: String
  public var state: StepState
  /// Graded attempts, passing or not.
  public var attempts: Int
  public var hintsRevealed: Int
  /// Checks that could not grade (the guest or QEMU did not answer): neither passes nor fails.
  public var notGraded: Int = 0
  public var firstActivity: Date?
  public var lastActivity: Date?
  /// From the first to the last activity on the step (attempt start/finish or event).
  public var timeSpent: TimeInterval

  public init(
    step: String, state: StepState, attempts: Int = 0, hintsRevealed: Int = 0, firstActivity: Date? = nil,
    lastActivity: Date? = nil, timeSpent: TimeInterval = 0
  ) {
    self.step = step
    self.state = state
    self.attempts = attempts
    self.hintsRevealed = hintsRevealed
    self.firstActivity = firstActivity
    self.lastActivity = lastActivity
    self.timeSpent = timeSpent
  }
}
