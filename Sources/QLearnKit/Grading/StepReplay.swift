import Foundation

/// Brings a running VM to the starting state of a later step by applying the earlier steps' reference solutions, in
/// order, the way `qlearn verify` does (solution, then the step's checks polled until they pass): for `start` after a
/// VM died (resume) and for `goto` to a later step.
public struct StepReplay: Sendable {
  public let session: GradingSession
  /// How long a solution's effects may take to show (hotplug, rescans), as in verification.
  public var settle: Duration = .seconds(15)

  public init(session: GradingSession) { self.session = session }

  /// One step done: which, its 1-based number in the lesson, how long it took, and whether its checks already passed
  /// (the learner had done it) so its solution was not run.
  public typealias Progress = @Sendable (_ step: Step, _ number: Int, _ seconds: Double, _ alreadyDone: Bool) -> Void

  /// The step a learner returning to `lesson` works on: the first not passed or skipped; nil when that is the first
  /// step (nothing to replay) or every step is done.
  public static func resumePoint(_ lesson: Lesson, store: ProgressStore) throws -> Step? {
    let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
    guard let open = progress.steps.firstIndex(where: { $0.state != .passed && $0.state != .skipped }), open > 0
    else { return nil }
    return lesson.steps[open]
  }

  /// Applies the reference solutions of `steps` (in lesson order), each as its own step (a baseline first, so checks
  /// that count "since the step began" see the solution's effect; a step whose checks already pass is left alone),
  /// then makes `target` current. Nothing is recorded
  /// in the learner's progress but the start of `target`. Throws ``GradingError/solutionFailed`` when a solution fails
  /// or its checks do not pass within ``settle``; the VM then stays on that step.
  public func apply(_ steps: [Step], then target: Step, progress: Progress) async throws {
    let quiet = GradingSession(lesson: session.loaded, live: session.live, store: nil)
    for step in steps {
      let started = ContinuousClock.now
      let number = (session.lesson.steps.firstIndex { $0.id == step.id } ?? 0) + 1
      try await quiet.move(to: step)
      if (try? await quiet.grade(step))?.passed == true {
        progress(step, number, (ContinuousClock.now - started).gradingSeconds, true)
        continue
      }
      try await SolutionRunner.run(step, lesson: session.lesson, session: session.live)
      let solved = ContinuousClock.now
      var grade = try? await quiet.grade(step)
      while grade?.passed != true, ContinuousClock.now - solved < settle {
        try await Task.sleep(for: .milliseconds(250))
        if let agent = try? await session.live.guestAgent() { try? await agent.waitUntilReady(timeout: .seconds(2)) }
        grade = try? await quiet.grade(step)
      }
      guard grade?.passed == true else {
        let failing = grade?.checks.filter { !$0.passed }.map(\.label).joined(separator: ", ") ?? "the guest did not answer"
        throw GradingError.solutionFailed(
          lesson: session.lesson.id, step: step.id, action: "its checks after the reference solution",
          detail: "they still fail after \(Int(settle.gradingSeconds)) s (\(failing))")
      }
      progress(step, number, (ContinuousClock.now - started).gradingSeconds, false)
    }
    try await session.move(to: target)
  }

  /// The steps from `current` up to (not including) `target`: what a `goto` forward must bring the VM through (a step
  /// whose checks already pass is left as it is by ``apply(_:then:progress:)``). Empty when `target` is not after
  /// `current`.
  public func stepsBetween(_ current: Step?, and target: Step) -> [Step] {
    let steps = session.lesson.steps
    guard let to = steps.firstIndex(where: { $0.id == target.id }) else { return [] }
    let from = current.flatMap { step in steps.firstIndex { $0.id == step.id } } ?? 0
    guard from < to else { return [] }
    return Array(steps[from..<to])
  }
}
