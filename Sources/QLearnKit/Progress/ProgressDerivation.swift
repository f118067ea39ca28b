import Foundation

/// What the database says about one step, summed up by SQL; ``derive(step:)`` turns it into a ``StepProgress``.
///
/// Kept apart from the store so the rules (passed beats skipped, time spent spans all activity) read in one place.
struct StepFacts: Sendable, Equatable {
  var attempts = 0
  var passingAttempts = 0
  var skips = 0
  var hints = 0
  var notGraded = 0
  var firstActivity: Date?
  var lastActivity: Date?

  /// Widens the activity window to include `first...last`.
  mutating func noteActivity(first: Date, last: Date) {
    firstActivity = firstActivity.map { min($0, first) } ?? first
    lastActivity = lastActivity.map { max($0, last) } ?? last
  }

  func derive(step: String) -> StepProgress {
    let state: StepState
    if passingAttempts > 0 {
      state = .passed
    } else if skips > 0 {
      state = .skipped
    } else if firstActivity != nil {
      state = .inProgress
    } else {
      state = .notStarted
    }
    let spent = zip(firstActivity, lastActivity).map { max(0, $1.timeIntervalSince($0)) } ?? 0
    var progress = StepProgress(
      step: step, state: state, attempts: attempts, hintsRevealed: hints, firstActivity: firstActivity,
      lastActivity: lastActivity, timeSpent: spent)
    progress.notGraded = notGraded
    return progress
  }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
  guard let a, let b else { return nil }
  return (a, b)
}
