import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The expectation rules of Checks/README.md, one by one, on observations built by hand.
@Suite struct GradingExpectationTests {
  func evaluate(_ expectation: QLearnKit.Expectation, _ text: String, status: Int? = nil, values: [String: String] = [:])
    -> ExpectationResult
  {
    ExpectationEvaluator.evaluate(expectation, on: Observation(text: text, exitStatus: status), values: values)
  }

  @Test func matchesWantsSomeLine() {
    let pass = evaluate(.matches(Template("{{p}}")), "a\nnvme nvme0: 4/0/2 default/read/poll queues\n", values: ["p": "nvme0: [0-9]+/[0-9]+/[1-9][0-9]* default"])
    #expect(pass.passed)
    #expect(pass.actual.contains("4/0/2"))
    let fail = evaluate(.matches(Template("poll")), "nvme nvme0: 4/0/0 default/read\n")
    #expect(!fail.passed)
    #expect(fail.expected == "a line matching /poll/")
    #expect(fail.actual.contains("4/0/0"))
  }

  @Test func matchesIsPerLineSoAnchorsWork() {
    #expect(evaluate(.matches(Template("^b$")), "a\nb\nc").passed)
    #expect(!evaluate(.matches(Template("^a b$")), "a\nb").passed)
  }

  @Test func notMatchesFailsOnTheOffendingLine() {
    let fail = evaluate(.notMatches(Template("error")), "ok\nan error here\n")
    #expect(!fail.passed)
    #expect(fail.actual.contains("an error here"))
    #expect(evaluate(.notMatches(Template("error")), "ok\n").passed)
  }

  @Test func equalsTrims() {
    #expect(evaluate(.equals(Template("{{value}}")), "  2\n", values: ["value": "2"]).passed)
    let fail = evaluate(.equals(Template("5")), "4\n")
    #expect(!fail.passed)
    #expect(fail.expected == "\"5\"")
    #expect(fail.actual == "\"4\"")
  }

  @Test func countCountsLinesWithoutTheTrailingEmptyOne() {
    let comparison = ComparisonTemplate(op: Template("{{op}}"), value: Template("{{value}}"))
    #expect(evaluate(.count(comparison), "/a\n/b\n", values: ["op": "==", "value": "2"]).passed)
    #expect(evaluate(.count(comparison), "", values: ["op": "==", "value": "0"]).passed)
    let fail = evaluate(.count(comparison), "/sys/class/scsi_device/0:2:1:0\n", values: ["op": "==", "value": "0"])
    #expect(!fail.passed)
    #expect(fail.actual.hasPrefix("1"))
    #expect(fail.actual.contains("0:2:1:0"))
  }

  @Test func numberReadsTheFirstNumber() {
    let atLeast = ComparisonTemplate(op: Template(">="), value: Template("900000"))
    #expect(evaluate(.number(atLeast), "MemTotal:        916696 kB\n").passed)
    #expect(!evaluate(.number(ComparisonTemplate(op: Template("<"), value: Template("3"))), "4").passed)
    let none = evaluate(.number(atLeast), "none")
    #expect(!none.passed)
    #expect(none.actual.contains("no number"))
  }

  @Test func statusComparesTheExitStatus() {
    #expect(evaluate(.status(Template("0")), "", status: 0).passed)
    let fail = evaluate(.status(Template("0")), "", status: 3)
    #expect(!fail.passed)
    #expect(fail.actual == "exit status 3")
    #expect(!evaluate(.status(Template("0")), "").passed, "no status at all is not status 0")
  }

  @Test func aBadOperatorFailsRatherThanPasses() {
    let broken = ComparisonTemplate(op: Template("{{op}}"), value: Template("1"))
    let result = evaluate(.count(broken), "x", values: ["op": "=~"])
    #expect(!result.passed)
    #expect(result.actual.contains("not an operator"))
  }

  @Test func anUnavailableObservationFailsEveryExpectationWithItsReason() {
    let observation = Observation.unavailable("no answer yet")
    for expectation in [QLearnKit.Expectation.notMatches(Template("x")), .equals(Template("")), .count(ComparisonTemplate(op: Template("=="), value: Template("0")))] {
      let result = ExpectationEvaluator.evaluate(expectation, on: observation, values: [:])
      #expect(!result.passed)
      #expect(result.actual == "no answer yet")
    }
  }

  @Test func actualTextIsClippedAndTerminalSafe() {
    let hostile = "\u{1B}]0;pwned\u{07}" + String(repeating: "x", count: 500)
    let result = evaluate(.equals(Template("5")), hostile)
    #expect(!result.actual.contains("\u{1B}"))
    #expect(!result.actual.contains("\u{07}"))
    #expect(result.actual.count < 100)
  }

  @Test func tabsInGuestOutputReadAsSpaces() {
    let result = evaluate(.equals(Template("2")), "Combined:\t4")
    #expect(result.actual.contains("Combined: 4"), "\(result.actual)")
  }

  @Test func deltaComparesTheIncreaseOnOneCPUOrAll() throws {
    let regex = try NSRegularExpression(pattern: "^nvme0q3$")
    let before = InterruptTable(parsing: try fixture("interrupts-seed.txt"))
    var after = before
    after.rows = after.rows.map { row in
      var row = row
      if row.name == "nvme0q3" { row.counts[2] = (row.counts[2] ?? 0) + 256 }
      return row
    }
    let increases = after.increases(since: before, matching: regex)
    let observation = Observation(text: "", interrupts: increases)
    let onCPU2 = QLearnKit.Expectation.delta(cpu: Template("{{cpu}}"), ComparisonTemplate(op: Template(">="), value: Template("{{min}}")))
    let pass = ExpectationEvaluator.evaluate(onCPU2, on: observation, values: ["cpu": "2", "min": "100"])
    #expect(pass.passed)
    #expect(pass.actual.contains("+256 on CPU2"))
    let fail = ExpectationEvaluator.evaluate(onCPU2, on: observation, values: ["cpu": "1", "min": "100"])
    #expect(!fail.passed)
    #expect(fail.expected == "an increase >= 100 on CPU1")
    #expect(fail.actual.contains("+0 on CPU1"))
    let overall = QLearnKit.Expectation.delta(cpu: nil, ComparisonTemplate(op: Template("=="), value: Template("256")))
    #expect(ExpectationEvaluator.evaluate(overall, on: observation, values: [:]).passed)
  }

  @Test func jsonSelectFollowsDottedPaths() throws {
    let reply = try JSONValue.parse(#"[{"props": {"core-id": 3}, "qom-path": "/machine/cpu"}]"#)
    #expect(JSONSelect.select("0.props.core-id", in: reply).map(JSONSelect.render) == "3")
    #expect(JSONSelect.select("0.qom-path", in: reply).map(JSONSelect.render) == "/machine/cpu")
    #expect(JSONSelect.select("", in: reply).map(JSONSelect.render) == reply.compactString)
    #expect(JSONSelect.select("1.props", in: reply) == nil)
  }

  @Test func globQuotingLeavesOnlyStarAndQuestionMarkActive() {
    #expect(GlobQuote.quoted("/sys/block/nvme0n1/mq/*") == "'/sys/block/nvme0n1/mq/'*")
    #expect(GlobQuote.quoted("/a b/$(reboot)/?") == "'/a b/$(reboot)/'?")
    #expect(GlobQuote.quoted("/it's") == "'/it'\\''s'")
  }

  @Test func dmesgMarkFindsWhatCameAfterEvenWhenTheRingWrapped() {
    let mark = DmesgMark(lines: ["[1.0] a", "[2.0] b"])
    #expect(mark.linesAfter(["[1.0] a", "[2.0] b", "[3.0] c"]) == ["[3.0] c"])
    #expect(mark.linesAfter(["[2.0] b", "[3.0] c", "[4.0] d"]) == ["[3.0] c", "[4.0] d"], "the ring dropped line 1")
    #expect(mark.linesAfter(["[5.0] e"]) == ["[5.0] e"], "the log was cleared: all is new")
    #expect(DmesgMark(lines: []).linesAfter(["x"]) == ["x"])
  }

  @Test func aMarkIsReadFromTheGuestsCountAndLastLine() {
    // What `dmesg | sed -n '$=;$p'` prints: the line count, then the last line.
    #expect(DmesgMark(markOutput: "362\n[    1.81] clocksource: Switched to clocksource tsc\n")
      == DmesgMark(count: 362, lastLine: "[    1.81] clocksource: Switched to clocksource tsc"))
    #expect(DmesgMark(markOutput: "") == DmesgMark(count: 0, lastLine: nil), "an empty log prints nothing")
    #expect(DmesgMark(markOutput: "sed: not found\n") == nil)
  }
}
