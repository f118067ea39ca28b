import Foundation

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
