/// A lesson with every check validated against the check library once, at load. `qlearn start` loads it and hands it to
/// the console, its step watcher and the grader, so none of them reads the course or a check's YAML again.
public struct LoadedLesson: Sendable {
  public let lesson: Lesson
  public let library: CheckLibrary
  /// Each step's checks by step id, in the step's order; one that did not validate keeps its first problem.
  let stepChecks: [String: [Result<LoadedCheck, InvalidCheckUse>]]
  /// The `guest_requires` checks, in order.
  public let guestChecks: [Result<LoadedCheck, InvalidCheckUse>]

  public init(_ lesson: Lesson, library: CheckLibrary) {
    self.lesson = lesson
    self.library = library
    var stepChecks: [String: [Result<LoadedCheck, InvalidCheckUse>]] = [:]
    for step in lesson.steps where stepChecks[step.id] == nil {
      stepChecks[step.id] = Self.load(step, library: library)
    }
    self.stepChecks = stepChecks
    guestChecks = lesson.guestRequires.enumerated().map { index, requirement in
      library.load(requirement.check, path: "guest_requires[\(index)]")
    }
  }

  /// The loaded checks of `step` (one that is not the lesson's own is validated now).
  public func checks(of step: Step) -> [Result<LoadedCheck, InvalidCheckUse>] {
    stepChecks[step.id] ?? Self.load(step, library: library)
  }

  static func load(_ step: Step, library: CheckLibrary) -> [Result<LoadedCheck, InvalidCheckUse>] {
    step.checks.enumerated().map { index, use in library.load(use, path: "steps.\(step.id).checks[\(index)]") }
  }
}
