import Foundation
import QLearnKit

/// Verification reports as one JUnit XML document, as CI systems read them: a `<testsuite>` per lesson and a
/// `<testcase>` per step, a failed boot as a `boot` case, a skipped lesson as one skipped `lesson` case.
enum JUnitRenderer {
  static func document(_ reports: [LessonVerifier.LessonReport]) -> String {
    var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<testsuites name=\"qlearn verify\">"]
    for report in reports { xml += suite(report) }
    xml.append("</testsuites>")
    return xml.joined(separator: "\n")
  }

  private static func suite(_ report: LessonVerifier.LessonReport) -> [String] {
    let lesson = escape(report.lesson)
    let failures = report.steps.filter { $0.defect != nil }.count + (report.error == nil ? 0 : 1)
    var skippedReason: String?
    if case .skipped(let reason) = report.outcome { skippedReason = reason }
    var xml = [
      "  <testsuite name=\"\(lesson)\" tests=\"\(max(report.steps.count, 1))\" failures=\"\(failures)\" skipped=\"\(skippedReason == nil ? 0 : 1)\" time=\"\(String(format: "%.3f", report.totalSeconds))\">"
    ]
    if let skippedReason {
      xml.append(
        "    <testcase classname=\"\(lesson)\" name=\"lesson\"><skipped message=\"\(escape(skippedReason))\"/></testcase>")
    }
    if let error = report.error {
      xml.append("    <testcase classname=\"\(lesson)\" name=\"boot\"><failure message=\"\(escape(error))\"/></testcase>")
    }
    for step in report.steps {
      let time = String(format: "%.3f", step.solutionSeconds + step.settleSeconds)
      let head = "    <testcase classname=\"\(lesson)\" name=\"\(escape(step.step))\" time=\"\(time)\""
      xml.append(step.defect.map { head + "><failure message=\"\(escape($0))\"/></testcase>" } ?? head + "/>")
    }
    xml.append("  </testsuite>")
    return xml
  }

  /// XML attribute text: control characters replaced (XML 1.0 cannot carry most of them, even escaped), then the
  /// five special characters escaped.
  static func escape(_ text: String) -> String {
    ReportText.safe(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
      .replacingOccurrences(of: "'", with: "&apos;")
  }
}
