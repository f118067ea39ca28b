import Foundation

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

/// One graded attempt as stored: what ``ProgressStore/attempts(lesson:)`` lists.
public typealias RecordedAttempt = (id: Int64, step: String, at: Date, passed: Bool, outcomes: [CheckOutcome])
