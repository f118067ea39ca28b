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
    var reports: [CheckReport] = []
    for (index, use) in step.checks.enumerated() {
      let sink = DiagnosticSink()
      guard let definition = library.checks[use.name],
        let values = library.validate(use, sink: sink, path: "steps.\(step.id).checks[\(index)]")
      else {
        let detail = sink.diagnostics.first.map { $0.message } ?? "there is no check named '\(use.name)'"
        throw GradingError.invalidCheck(lesson: lesson.id, step: step.id, detail: detail)
      }
      let observation = try await GuestProbes.observe(
        definition.inspect, values: values, session: session, baseline: baseline)
      let results = definition.expect.map {
        ExpectationEvaluator.evaluate($0, on: observation, values: values)
      }
      let failed = results.first { !$0.passed }
      var report = CheckReport(
        name: use.name, label: Self.label(use.name, values: values.filter { use.arguments[$0.key] != nil }),
        passed: failed == nil && !results.isEmpty,
        expected: failed?.expected ?? results.map(\.expected).joined(separator: "; "),
        actual: failed?.actual ?? results.map(\.actual).joined(separator: "; "))
      if case .answer = definition.inspect, let attempt, !Self.reveals(values, attempt: attempt) {
        report = Self.hidingAnswer(report)
      }
      reports.append(report)
    }
    return StepGrade(step: step.id, checks: reports)
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
