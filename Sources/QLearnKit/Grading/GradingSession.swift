import Foundation

/// A learner's lesson in a running VM: which step is current, its baseline, grading it, hints, and moving between steps.
/// The `qlearn check/hint/answer/next/goto/skip` commands and `qlearn verify` are thin layers over it.
///
/// State lives in the session folder (the record's `step`, `baseline.json`, `answer.txt`) because every command is a
/// new process; progress (attempts, hints, skips, step starts) goes to the ``ProgressStore`` when one is given.
public struct GradingSession: Sendable {
  /// The lesson with its checks validated once, when it was loaded.
  public let loaded: LoadedLesson
  public let live: LiveSession
  public let grader: StepGrader
  /// Where attempts and events are recorded; nil records nothing (verification).
  public let store: ProgressStore?

  public init(lesson: LoadedLesson, live: LiveSession, store: ProgressStore?) {
    self.loaded = lesson
    self.live = live
    self.grader = StepGrader(library: lesson.library)
    self.store = store
  }

  /// Loads `lesson`'s checks from `library` now; callers that hold a ``LoadedLesson`` pass it instead.
  public init(lesson: Lesson, library: CheckLibrary, live: LiveSession, store: ProgressStore?) {
    self.init(lesson: LoadedLesson(lesson, library: library), live: live, store: store)
  }

  public var lesson: Lesson { loaded.lesson }

  public var directory: SessionDirectory { live.directory }

  // MARK: Steps

  /// The current step, or nil when the lesson is finished. Throws ``SessionError/vmGone`` for a dead VM.
  public func currentStep() async throws -> Step? {
    let record = try await live.ensureRunning()
    guard let id = record.step else { return nil }
    return try step(id)
  }

  public func step(_ id: String) throws -> Step {
    guard let step = lesson.steps.first(where: { $0.id == id }) else {
      throw GradingError.unknownStep(lesson: lesson.id, step: id, known: lesson.steps.map(\.id))
    }
    return step
  }

  /// The step after `step`, or nil after the last.
  public func step(after step: Step) -> Step? {
    guard let index = lesson.steps.firstIndex(where: { $0.id == step.id }), index + 1 < lesson.steps.count else {
      return nil
    }
    return lesson.steps[index + 1]
  }

  /// The baseline of the current step. The first step's is taken lazily: it began when the guest became ready, so its
  /// log baseline is the mark `/init` left then (or "since boot" without one), and its interrupt counts start from zero.
  /// Any other step got its baseline when it became current; if that file went missing, a snapshot now is the best
  /// there is.
  public func baseline(for step: Step) async throws -> StepBaseline {
    if let saved = StepBaseline.load(from: directory), saved.step == step.id { return saved }
    let record = try await live.ensureRunning()
    let baseline: StepBaseline
    if step.id == lesson.steps.first?.id && record.stepStartedAt == nil {
      baseline = StepBaseline(
        step: step.id, takenAt: record.startedAt, dmesg: try await GuestProbes.bootMark(live), interrupts: nil)
      try? store?.recordEvent(lesson: lesson.id, step: step.id, kind: .start)
    } else {
      baseline = try await StepBaseline.take(step: step.id, session: live)
    }
    try baseline.save(in: directory)
    return baseline
  }

  /// Makes `step` current (nil: the lesson is finished): records it, snapshots the guest as its baseline, forgets
  /// the previous step's answer so that an old answer cannot pass a new question, and saves the step's checkpoint.
  public func move(to step: Step?) async throws {
    var record = try await live.ensureRunning()
    if let step {
      let baseline = try await StepBaseline.take(step: step.id, session: live)
      try baseline.save(in: directory)
      try? store?.recordEvent(lesson: lesson.id, step: step.id, kind: .start)
    } else {
      try? FileManager.default.removeItem(at: StepBaseline.file(in: directory))
    }
    AnswerFile.remove(in: directory)
    record.step = step?.id
    record.stepStartedAt = Date()
    try directory.write(record)
    await StepCheckpoints.afterMove(to: step, in: self)
  }

  // MARK: Grading

  /// Grades `step` as it is now, without recording or moving anything. `attempt` (the learner's attempt number, this
  /// one included) hides a question's answer (see ``StepGrader/grade(_:lesson:session:baseline:attempt:)``); nil shows
  /// everything, for the author.
  public func grade(_ step: Step, attempt: Int? = nil) async throws -> StepGrade {
    let baseline = try await baseline(for: step)
    return try await grader.grade(
      step, checks: loaded.checks(of: step), lesson: lesson.id, session: live, baseline: baseline, attempt: attempt)
  }

  /// What `qlearn check` reports.
  public struct CheckResult: Sendable {
    public var step: Step
    public var grade: StepGrade
    /// On failure, the hint revealed now (1-based number, count, text), if any was left.
    public var hint: Hint?
    /// On success, the step that is now current (nil: the lesson is finished).
    public var next: Step?
  }

  public struct Hint: Sendable, Equatable {
    public var number: Int
    public var count: Int
    public var text: String
  }

  /// Grades the current step, records the attempt, and on success moves to the next step; on failure reveals the next
  /// hint. A dead VM throws before anything is recorded; a guest or monitor that does not answer records a "not graded"
  /// event (never a pass or a fail) and throws. A pass is recorded only once the next step has begun, so no attempt is
  /// stored as passed while the step did not advance.
  public func check() async throws -> CheckResult {
    guard let step = try await currentStep() else { throw GradingError.lessonFinished(lesson: lesson.id) }
    let started = Date()
    let earlier = (try? store?.progress(lesson: lesson.id, steps: [step.id]).steps.first?.attempts) ?? 0
    let grade: StepGrade
    do {
      grade = try await self.grade(step, attempt: earlier + 1)
    } catch let error as GradingError {
      recordUngraded(step, error)
      throw error
    }
    if grade.passed {
      let next = self.step(after: step)
      do {
        try await move(to: next)
      } catch let error as GradingError {
        let detail = error.errorDescription ?? "\(error)"
        let notRecorded = GradingError.passedButNotRecorded(lesson: lesson.id, step: step.id, detail: detail)
        recordUngraded(step, notRecorded)
        throw notRecorded
      }
      try store?.recordAttempt(lesson: lesson.id, step: step.id, startedAt: started, outcomes: grade.outcomes)
      return CheckResult(step: step, grade: grade, hint: nil, next: next)
    }
    try store?.recordAttempt(lesson: lesson.id, step: step.id, startedAt: started, outcomes: grade.outcomes)
    return CheckResult(step: step, grade: grade, hint: try revealHint(step), next: nil)
  }

  /// Keeps a check that could not grade as what it was: a "not graded" event with why, for `qlearn progress`.
  func recordUngraded(_ step: Step, _ error: GradingError) {
    switch error {
    case .agentUnresponsive, .monitorUnresponsive, .passedButNotRecorded:
      try? store?.recordEvent(
        lesson: lesson.id, step: step.id, kind: .ungraded, detail: String((error.errorDescription ?? "").prefix(300)))
    default: break
    }
  }

  /// Reveals and records the next hint of `step`, or nil when all are revealed.
  public func revealHint(_ step: Step) throws -> Hint? {
    let revealed = try store?.hintsRevealed(lesson: lesson.id, step: step.id) ?? 0
    guard revealed < step.hints.count else { return nil }
    try store?.recordEvent(lesson: lesson.id, step: step.id, kind: .hint, detail: "\(revealed + 1)")
    return Hint(number: revealed + 1, count: step.hints.count, text: step.hints[revealed])
  }

  /// `qlearn next`: moves on from a step that passed (or was skipped) before, e.g. after `qlearn goto` back to it.
  public func next() async throws -> Step? {
    guard let step = try await currentStep() else { throw GradingError.lessonFinished(lesson: lesson.id) }
    let state = try store?.progress(lesson: lesson.id, steps: [step.id]).steps.first?.state
    guard state == .passed || state == .skipped else {
      throw GradingError.stepNotPassed(lesson: lesson.id, step: step.id)
    }
    let next = self.step(after: step)
    try await move(to: next)
    return next
  }

  /// `qlearn skip`: applies the step's reference solution, records the skip, and moves on.
  public func skip() async throws -> Step? {
    guard let step = try await currentStep() else { throw GradingError.lessonFinished(lesson: lesson.id) }
    try await SolutionRunner.run(step, lesson: lesson, session: live)
    try store?.recordEvent(lesson: lesson.id, step: step.id, kind: .skip)
    let next = self.step(after: step)
    try await move(to: next)
    return next
  }

  /// `qlearn answer`: records the learner's answer for the current step's checks.
  public func answer(_ text: String) async throws {
    let step = try await currentStep()
    try AnswerFile.write(text, in: directory)
    if let step {
      try store?.recordEvent(lesson: lesson.id, step: step.id, kind: .answer, detail: String(text.prefix(200)))
    }
  }
}
