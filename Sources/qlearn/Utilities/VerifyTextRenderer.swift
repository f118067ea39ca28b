import QLearnKit

/// Verification reports as readable text: a lesson's header with its boot time, then each step's verdict.
enum VerifyTextRenderer {
  static func lines(for report: LessonVerifier.LessonReport) -> [String] {
    if case .skipped(let reason) = report.outcome { return ["\(report.lesson): SKIPPED, \(ReportText.safe(reason))"] }
    let accel = report.accelerator.map { $0.uppercased() + ", " } ?? ""
    var lines = [
      "\(report.lesson) (\(accel)\(report.bootedAhead ? "booted ahead, ready in" : "booted in") \(ReportText.seconds(report.bootSeconds)), total \(ReportText.seconds(report.totalSeconds)))"
    ]
    lines += report.notes.map { "  note: \(ReportText.safe($0))" }
    if let error = report.error { lines += ReportText.lines(error, first: "  DEFECT ", rest: "         ") }
    for step in report.steps { lines += self.step(step) }
    return lines
  }

  private static func step(_ step: LessonVerifier.StepReport) -> [String] {
    var lines = ["  \(step.defect == nil ? "ok    " : "DEFECT") \(step.step)"]
    if let before = step.before {
      let failing = before.checks.filter { !$0.passed }
      let detail = failing.first.map {
        "\(ReportText.safe($0.label)): expected \(ReportText.safe($0.expected)), actual \(ReportText.safe($0.actual))"
      }
      lines.append(
        "         failed before: \(failing.count)/\(before.checks.count) checks failing" + (detail.map { " (\($0))" } ?? ""))
    }
    if let after = step.after, after.passed {
      lines.append(
        "         passed after: \(after.checks.count)/\(after.checks.count) checks, solution \(ReportText.seconds(step.solutionSeconds)), settled in \(ReportText.seconds(step.settleSeconds))"
      )
    }
    if let defect = step.defect { lines += ReportText.lines(defect, first: "         ", rest: "           ") }
    return lines
  }

  /// The last line: counts of lessons, steps, defects and skipped lessons.
  static func summary(_ reports: [LessonVerifier.LessonReport]) -> String {
    let steps = reports.reduce(0) { $0 + $1.steps.count }
    let defects = reports.reduce(0) { $0 + $1.steps.filter { $0.defect != nil }.count + ($1.error == nil ? 0 : 1) }
    let skipped = reports.filter { if case .skipped = $0.outcome { true } else { false } }.count
    return
      "\(reports.count) lesson\(reports.count == 1 ? "" : "s"), \(steps) steps, \(defects) defect\(defects == 1 ? "" : "s"), \(skipped) skipped"
  }
}
