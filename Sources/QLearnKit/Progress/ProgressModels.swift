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

/// Something the learner did on a step other than being graded.
///
/// Record one `hint` event per hint newly revealed: ``ProgressStore/hintsRevealed(lesson:step:)`` counts them.
/// `ungraded` is a `qlearn check` that could not grade (the guest or QEMU did not answer): never a pass or a fail.
public enum ProgressEventKind: String, Sendable, CaseIterable {
  case hint, skip, start, answer, ungraded
}

/// Where the learner stands on a step, derived from what they did (never stored).
public enum StepState: String, Sendable, Encodable {
  case notStarted = "not started"
  case inProgress = "in progress"
  case passed
  case skipped
}

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

public struct LessonProgress: Sendable, Equatable {
  public var lesson: String
  /// One entry per step id the caller gave, in that order.
  public var steps: [StepProgress]
  /// Every step is passed or skipped (and there is at least one step).
  public var isComplete: Bool
  /// Steps passed or skipped: the ones the learner is done with.
  public var completedSteps: Int

  public init(lesson: String, steps: [StepProgress]) {
    self.lesson = lesson
    self.steps = steps
    self.completedSteps = steps.filter { $0.state == .passed || $0.state == .skipped }.count
    self.isComplete = !steps.isEmpty && completedSteps == steps.count
  }
}

/// One graded attempt as stored: what ``ProgressStore/attempts(lesson:)`` lists.
public typealias RecordedAttempt = (id: Int64, step: String, at: Date, passed: Bool, outcomes: [CheckOutcome])
