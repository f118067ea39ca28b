import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The leak lint: a question's answer in text read before it, and thresholds a step does not state; warnings only.
@Suite struct LeakLintTests {
  static let lesson = """
    ---
    id: leaky
    title: Four queues
    summary: Count the queues of a disk.
    topic: storage
    minutes: 5
    machine: {type: pc, cpus: 4, memory: 256M}
    steps:
      - id: count
        title: Count the queues
        goal: Record how many request queues the disk has.
        checks:
          - {check: answer-equals, value: "4", accept: ["0x4"]}
        solution:
          - answer: "4"
      - id: address
        title: Read the address
        goal: Record the address.
        checks:
          - {check: answer-equals, value: "0:2:1:0"}
        solution:
          - answer: "0:2:1:0"
      - id: forget
        title: Forget the disk
        goal: Make the kernel forget the disk at 0:2:1:0, then read nvme0q3 and 0000:04 on CPU 2.
        hints:
          - Write 1 to its delete file.
        checks:
          - {check: interrupts-on-cpu, name: "^nvme0q3$", cpu: 2, min: 100}
          - {check: path-count, pattern: "/sys/class/scsi_device/*", value: 0}
        solution:
          - guest: echo 1 > /sys/class/scsi_device/0:2:1:0/device/delete
    ---
    # Four queues

    The disk has 256 MiB.

    ## Count the queues

    Look in /sys/block.

    ## Read the address

    The address has four parts.

    ## Forget the disk

    Write to delete.
    """

  func warnings() throws -> [Diagnostic] {
    let folder = try Repository.temporaryDirectory()
    let file = folder.appendingPathComponent("leaky.md")
    try Self.lesson.write(to: file, atomically: true, encoding: .utf8)
    let report = try LintReport.run(
      paths: [file], checksDirectory: Repository.checks, course: [], cacheDirectory: try Repository.temporaryDirectory())
    #expect(report.diagnostics.map(\.description) == [], "warnings are not errors")
    return report.warnings
  }

  @Test func answersInEarlierOrLaterTextAreFlaggedWithTheirPlace() throws {
    let warnings = try warnings()
    let text = warnings.map(\.description).joined(separator: "\n")
    #expect(warnings.allSatisfy { $0.severity == .warning })
    #expect(text.contains("warning:"))
    // The title "Four queues" gives step 1's 4 away: line 3, column 8.
    let title = try #require(warnings.first { $0.message.contains("the lesson's title") }, "\(text)")
    #expect(title.location.line == 3 && title.location.column == 8, "\(text)")
    #expect(title.message.contains("step 1 (count)"))
    #expect(title.message.contains("'Four'"))
    // Step 3's goal names step 2's answer: line 25 (the goal's line), at the address.
    let goal = try #require(warnings.first { $0.message.contains("step 3 (forget)'s goal") }, "\(text)")
    #expect(goal.message.contains("step 2 (address)"))
    #expect(goal.location.line == 25, "\(text)")
    #expect(goal.location.column == 46, "\(text)")
    // The H1 repeating the title is prose read before step 1; step 2's section ("four parts", line 44) is not.
    #expect(warnings.contains { $0.message.contains("prose") && $0.message.contains("step 1") }, "\(text)")
    #expect(!warnings.contains { $0.location.line == 44 }, "\(text)")
  }

  @Test func numbersInsideOtherTokensAreNotMentions() throws {
    // nvme0q3, CPU 2 in "0000:04", "Write 1": none of these is the answer 4 or 0:2:1:0.
    let found = TextMentions.first(of: ["4"], in: "nvme0q4 0000:04 4/0/2 v4.1 4k")
    #expect(found == nil)
    #expect(TextMentions.first(of: ["4"], in: "has four request queues")?.found == "four")
    #expect(TextMentions.first(of: ["268435456"], in: "a 256 MiB region")?.found == "256 MiB")
    #expect(TextMentions.first(of: ["0x80000000"], in: "after node 0's 2 GiB")?.found == "2 GiB")
    #expect(TextMentions.first(of: ["9"], in: "1 + 4 + 4 = 9 vectors")?.found == "9")
    #expect(TextMentions.first(of: ["ttyS0"], in: "console=ttys0,115200")?.found == "ttys0")
    #expect(TextMentions.first(of: ["2"], in: "cmd 2>/dev/null") == nil)
  }

  @Test func aThresholdNoTextOfTheStepStatesIsFlagged() throws {
    let warnings = try warnings()
    let text = warnings.map(\.description).joined(separator: "\n")
    let threshold = try #require(warnings.first { $0.keyPath == "steps[2].checks[0].min" }, "\(text)")
    #expect(threshold.message.contains("min 100"))
    #expect(threshold.location.line == 29, "\(text)")
    // value: 0 is not a threshold a learner needs told.
    #expect(!warnings.contains { $0.keyPath == "steps[2].checks[1].value" }, "\(text)")
  }

  @Test func theCourseHasNoLintErrorsFromTheNewRules() throws {
    let report = try LintReport.run(
      paths: [Repository.lessons], checksDirectory: Repository.checks, course: [],
      cacheDirectory: try Repository.temporaryDirectory())
    #expect(report.diagnostics.map(\.description) == [])
    #expect(report.warnings.allSatisfy { $0.severity == .warning })
  }
}
