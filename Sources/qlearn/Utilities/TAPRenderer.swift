import QLearnKit

/// Verification reports as the Test Anything Protocol: one test point per step, numbered across lessons as they
/// arrive, a skipped lesson as one `# SKIP` point, diagnostics as indented `#` lines under their point, and the plan
/// (`1..N`) at the end, once the number of points is known.
struct TAPRenderer {
  private(set) var count = 0

  /// The test points for one lesson's report.
  mutating func lines(for report: LessonVerifier.LessonReport) -> [String] {
    if case .skipped(let reason) = report.outcome {
      return [point(ok: true, "\(report.lesson) # SKIP \(ReportText.safe(reason))")]
    }
    var lines: [String] = []
    if let error = report.error {
      lines.append(point(ok: false, "\(report.lesson) boot"))
      lines += ReportText.lines(error, first: "  # ", rest: "  #   ")
    }
    for step in report.steps {
      let summary =
        step.defect == nil
        ? "failed before, passed after in \(ReportText.seconds(step.solutionSeconds + step.settleSeconds))" : "defect"
      lines.append(point(ok: step.defect == nil, "\(report.lesson) \(ReportText.safe(step.step)): \(summary)"))
      if let defect = step.defect { lines += ReportText.lines(defect, first: "  # ", rest: "  #   ") }
    }
    return lines
  }

  /// The plan line, printed last.
  var plan: String { "1..\(count)" }

  private mutating func point(ok: Bool, _ description: String) -> String {
    count += 1
    return "\(ok ? "ok" : "not ok") \(count) - \(description)"
  }
}
