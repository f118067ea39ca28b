import Foundation

/// Evaluates a step's checks against the live session.
public struct StepGrader: Sendable {
  public let library: CheckLibrary

  public init(library: CheckLibrary) { self.library = library }

  /// Grades every check of `step` (all of them, so the learner sees each one's state, not only the first failure).
  /// Throws ``SessionError/vmGone`` or ``GradingError`` when the session cannot be graded at all.
  ///
  /// `attempt` is the learner's attempt number on the step, counting this one: a question's answer (a check that
  /// inspects `answer`) stays hidden unless the check opts in with `reveal_after: N` and this is attempt N or later. Nil
  /// (verification, where the author reads the result) shows everything.
  public func grade(
    _ step: Step, lesson: Lesson, session: LiveSession, baseline: StepBaseline?, attempt: Int? = nil
  ) async throws -> StepGrade {
    try await grade(
      step, checks: LoadedLesson.load(step, library: library), lesson: lesson.id, session: session, baseline: baseline,
      attempt: attempt)
  }

  /// Grades `step` by its checks as loaded once (``LoadedLesson``); a check that did not load throws
  /// ``GradingError/invalidCheck(lesson:step:detail:)`` with its problem.
  public func grade(
    _ step: Step, checks: [Result<LoadedCheck, InvalidCheckUse>], lesson: String, session: LiveSession,
    baseline: StepBaseline?, attempt: Int? = nil
  ) async throws -> StepGrade {
    var reports: [CheckReport] = []
    for loaded in checks {
      let check: LoadedCheck
      switch loaded {
      case .success(let valid): check = valid
      case .failure(let invalid): throw GradingError.invalidCheck(lesson: lesson, step: step.id, detail: invalid.detail)
      }
      reports.append(try await report(check, session: session, baseline: baseline, attempt: attempt))
    }
    return StepGrade(step: step.id, checks: reports)
  }

  /// One check's report: what it observed against what it expects, the answer hidden unless this attempt reveals it.
  func report(_ check: LoadedCheck, session: LiveSession, baseline: StepBaseline?, attempt: Int?) async throws
    -> CheckReport
  {
    let definition = check.definition
    let values = check.values
    let observation = try await GuestProbes.observe(
      definition.inspect, values: values, session: session, baseline: baseline)
    let results = definition.expect.map {
      ExpectationEvaluator.evaluate($0, on: observation, values: values)
    }
    let failed = results.first { !$0.passed }
    let report = CheckReport(
      name: check.name, label: Self.label(check.name, values: values.filter { check.written.contains($0.key) }),
      passed: failed == nil && !results.isEmpty,
      expected: failed?.expected ?? results.map(\.expected).joined(separator: "; "),
      actual: failed?.actual ?? results.map(\.actual).joined(separator: "; "))
    if case .answer = definition.inspect, let attempt, !Self.reveals(values, attempt: attempt) {
      return Self.hidingAnswer(report)
    }
    return report
  }

  /// Whether a question check reveals its answer on this attempt: only with `reveal_after: N` (N > 0), from attempt N.
  static func reveals(_ values: [String: String], attempt: Int) -> Bool {
    guard let after = values["reveal_after"].flatMap({ Int($0) }), after > 0 else { return false }
    return attempt >= after
  }

  /// The report with the answer taken out of what it says: its expectation, and the label's arguments (`value=5`).
  static func hidingAnswer(_ report: CheckReport) -> CheckReport {
    var hidden = report
    hidden.expected = CheckReport.hiddenExpectation
    hidden.hidesExpected = true
    hidden.label = report.name
    return hidden
  }

  /// `interrupts-on-cpu cpu=2 min=100 name=^nvme0q3$`: the arguments the lesson wrote say which of several uses of a
  /// check this is (defaults are left out).
  static func label(_ name: String, values: [String: String]) -> String {
    let arguments = values.sorted { $0.key < $1.key }.map { "\($0.key)=\(TerminalSafe.clip($0.value, limit: 40))" }
    return ([name] + arguments).joined(separator: " ")
  }
}
