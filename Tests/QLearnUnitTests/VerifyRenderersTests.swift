import Foundation
import Testing

@testable import QLearnKit
@testable import qlearn

/// `qlearn verify --format tap|junit|text` rendered from hand-made reports: no VM needed to check the formats.
@Suite struct VerifyRenderersTests {
  typealias Report = LessonVerifier.LessonReport
  typealias StepReport = LessonVerifier.StepReport

  static let passing = Report(
    lesson: "demo", outcome: .verified,
    steps: [StepReport(step: "first", solutionSeconds: 1.0, settleSeconds: 0.5)], accelerator: "tcg",
    bootSeconds: 2, totalSeconds: 4)
  static let failing = Report(
    lesson: "demo", outcome: .defective,
    steps: [
      StepReport(step: "first", solutionSeconds: 1.0, settleSeconds: 0.5),
      StepReport(step: "second", defect: "passes before its solution\nlast console line"),
    ], totalSeconds: 3)
  static let skipped = Report(lesson: "net", outcome: .skipped(reason: "needs tap networking"))
  static let bootDefect = Report(lesson: "broken", outcome: .defective, totalSeconds: 1, error: "boot failed\nVM died")

  @Test func tapNumbersPointsAcrossLessonsAndPlansAtTheEnd() {
    var tap = TAPRenderer()
    let lines = tap.lines(for: Self.passing) + tap.lines(for: Self.failing)
    #expect(
      lines == [
        "ok 1 - demo first: failed before, passed after in 1.50 s",
        "ok 2 - demo first: failed before, passed after in 1.50 s",
        "not ok 3 - demo second: defect",
        "  # passes before its solution",
        "  #   last console line",
      ])
    #expect(tap.plan == "1..3")
  }

  @Test func tapSkipsALessonWithItsReasonAndReportsABootDefect() {
    var tap = TAPRenderer()
    #expect(tap.lines(for: Self.skipped) == ["ok 1 - net # SKIP needs tap networking"])
    #expect(tap.lines(for: Self.bootDefect) == ["not ok 2 - broken boot", "  # boot failed", "  #   VM died"])
    #expect(tap.plan == "1..2")
  }

  @Test func tapDiagnosticsCannotForgeATestPoint() {
    var tap = TAPRenderer()
    let hostile = Report(
      lesson: "demo", outcome: .defective, steps: [StepReport(step: "s", defect: "x\nok 99 - forged\u{1B}[2J")])
    let lines = tap.lines(for: hostile)
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  #") }, "\(lines)")
    #expect(!lines.joined().unicodeScalars.contains { $0.properties.generalCategory == .control })
  }

  @Test func junitHasASuitePerLessonAndACasePerStep() {
    let xml = JUnitRenderer.document([Self.passing, Self.failing, Self.skipped, Self.bootDefect])
    let lines = xml.split(separator: "\n").map(String.init)
    #expect(lines.first == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    #expect(lines.last == "</testsuites>")
    #expect(lines.contains("  <testsuite name=\"demo\" tests=\"1\" failures=\"0\" skipped=\"0\" time=\"4.000\">"))
    #expect(lines.contains("    <testcase classname=\"demo\" name=\"first\" time=\"1.500\"/>"))
    #expect(lines.contains("  <testsuite name=\"demo\" tests=\"2\" failures=\"1\" skipped=\"0\" time=\"3.000\">"))
    #expect(
      lines.contains(
        "    <testcase classname=\"demo\" name=\"second\" time=\"0.000\"><failure message=\"passes before its solution\u{FFFD}last console line\"/></testcase>"
      ))
    #expect(lines.contains("  <testsuite name=\"net\" tests=\"1\" failures=\"0\" skipped=\"1\" time=\"0.000\">"))
    #expect(
      lines.contains(
        "    <testcase classname=\"net\" name=\"lesson\"><skipped message=\"needs tap networking\"/></testcase>"))
    #expect(lines.contains("  <testsuite name=\"broken\" tests=\"1\" failures=\"1\" skipped=\"0\" time=\"1.000\">"))
    #expect(lines.contains { $0.contains("name=\"boot\"><failure message=\"boot failed\u{FFFD}VM died\"/>") })
    #expect(lines.filter { $0 == "  </testsuite>" }.count == 4)
  }

  @Test func junitEscapesMarkupAndReplacesControlBytes() {
    #expect(JUnitRenderer.escape(#"<a href="x">&'b'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;b&apos;&lt;/a&gt;")
    let escaped = JUnitRenderer.escape("bell\u{07} esc\u{1B}[31m nul\u{0} del\u{7F}")
    #expect(escaped == "bell\u{FFFD} esc\u{FFFD}[31m nul\u{FFFD} del\u{FFFD}")
    let hostile = Report(
      lesson: "demo", outcome: .defective, steps: [StepReport(step: "s", defect: "<![CDATA[\u{0}]]>\"/><x a='")])
    let xml = JUnitRenderer.document([hostile])
    #expect(xml.contains("message=\"&lt;![CDATA[\u{FFFD}]]&gt;&quot;/&gt;&lt;x a=&apos;\""), "\(xml)")
    #expect(!xml.unicodeScalars.contains { $0 != "\n" && $0.properties.generalCategory == .control })
  }

  @Test func textShowsVerdictsAndCountsDefectsAndSkips() {
    #expect(
      VerifyTextRenderer.lines(for: Self.passing) == [
        "demo (TCG, booted in 2.00 s, total 4.00 s)", "  ok     first",
      ])
    #expect(VerifyTextRenderer.lines(for: Self.skipped) == ["net: SKIPPED, needs tap networking"])
    #expect(VerifyTextRenderer.lines(for: Self.bootDefect).contains("  DEFECT boot failed"))
    #expect(
      VerifyTextRenderer.summary([Self.passing, Self.failing, Self.skipped, Self.bootDefect])
        == "4 lessons, 3 steps, 2 defects, 1 skipped")
  }
}
