import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Grading against real VMs under TCG, through the built `qlearn`, as a learner and an instructor use it.
@Suite(.serialized) struct GradingIntegrationTests {
  /// The course must be proven on both Debian kernels the issue names. A lesson may be skipped only for a reason that
  /// is known here: a host requirement this machine lacks, or (6.12 under TCG) CPU hotplug, which that kernel refuses
  /// outside a hypervisor it recognises.
  @Test(arguments: ["6.1", "6.12"])
  func verifyProvesTheWholeCourseStepByStep(kernel: String) throws {
    let cli = try QLearnCLI()
    let result = try cli.run(["verify", "--all", "-j", "2", "--accel", "tcg", "--kernel-version", kernel])
    let lines = result.stdoutText.split(separator: "\n").map(String.init)
    // The defects first, each under its lesson: CI shows only the start of a long message.
    #expect(result.status == 0, "\(Self.defects(in: lines))\n\(result.stderrText)\n\(result.stdoutText)")
    let seedSteps = ["count-vectors", "pin-io", "poll-queues", "read-address", "delete-disk", "rescan-host"]
    for step in seedSteps {
      #expect(lines.contains { $0.hasSuffix(" " + step) }, "no report line for \(step)")
    }
    // Every step of every lesson: ok, shown failing before its solution and passing after.
    let stepLines = lines.indices.filter { lines[$0].hasPrefix("  ") && !lines[$0].hasPrefix("    ") }
    #expect(stepLines.count >= 30)
    for index in stepLines {
      #expect(lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("ok"), "\(lines[index])")
      #expect(lines[index + 1].contains("failed before"), "\(lines[index]): \(lines[index + 1])")
      #expect(lines[index + 2].contains("passed after"), "\(lines[index]): \(lines[index + 2])")
    }
    let lessons = Course(paths: [Repository.lessons]).lessons
    let skipped = Set(lines.compactMap { line in line.range(of: ": SKIPPED, ").map { String(line[..<$0.lowerBound]) } })
    let hostSkips = Set(lessons.filter { !HostCheck.unmet($0).isEmpty }.map(\.id))
    let kernelSkips: Set<String> = kernel == "6.12" ? ["cpu-hotplug"] : []
    #expect(hostSkips.isSubset(of: skipped), "skipped: \(skipped.sorted())")
    #expect(skipped.isSubset(of: hostSkips.union(kernelSkips)), "skipped: \(skipped.sorted())")
    let steps = lessons.filter { !skipped.contains($0.id) }.reduce(0) { $0 + $1.steps.count }
    #expect(
      result.stdoutText.contains("\(lessons.count) lessons, \(steps) steps, 0 defects, \(skipped.count) skipped"),
      "\(lines.last ?? "")")
    // Verification runs in a runtime folder of its own: nothing is left in the learner's.
    #expect(SessionDirectory.all(cli.paths).isEmpty)
  }

  /// Each DEFECT line of a verify report with the lesson line above it and the detail lines below it.
  static func defects(in lines: [String]) -> String {
    var picked: [String] = []
    var lesson = ""
    var shownLesson: String?
    var inDefect = false
    for line in lines {
      if !line.hasPrefix(" ") { lesson = line }
      if line.contains("DEFECT") {
        if shownLesson != lesson { picked.append(lesson) }
        shownLesson = lesson
        picked.append(line)
        inDefect = true
      } else if inDefect, line.hasPrefix("         ") {
        picked.append(line)
      } else {
        inDefect = false
      }
    }
    return picked.isEmpty ? "no DEFECT lines" : picked.joined(separator: "\n")
  }

  @Test func verifyRetriesAHungBootOnceThenCallsItADefect() throws {
    let cli = try QLearnCLI()
    // No guest is ready within a second under TCG: both attempts time out.
    let result = try cli.run(["verify", "nvme-queues", "--accel", "tcg", "--boot-timeout", "1"])
    #expect(result.status == 1)
    let lines = result.stdoutText.split(separator: "\n").map(String.init)
    let note = try #require(lines.firstIndex { $0.contains("note: boot 1 did not reach the guest agent within 1 s") })
    let defect = try #require(lines.firstIndex { $0.contains("DEFECT boot failed") && $0.contains("within 1 s") })
    #expect(note < defect)
    #expect(result.stdoutText.contains("1 defect"))
    #expect(SessionDirectory.all(cli.paths).isEmpty)
  }

  @Test func verifyReportsALessonWhoseStepGradesNothing() throws {
    let cli = try QLearnCLI()
    let folder = cli.home.appendingPathComponent("lessons")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // A step whose check already holds on a fresh machine: verify must call it a defect.
    let lesson = """
      ---
      id: idle-check
      title: A check that grades nothing
      summary: Its only step passes before the learner does anything.
      topic: testing
      minutes: 1
      machine:
        cpus: 1
        memory: 256M
      steps:
        - id: nothing
          title: Nothing
          goal: Do nothing.
          hints: [None.]
          checks:
            - {check: file-matches, path: /proc/cmdline, pattern: "console"}
          solution:
            - guest: "true"
      ---

      # A check that grades nothing

      ## Nothing

      Nothing to do.
      """
    try lesson.write(to: folder.appendingPathComponent("idle-check.md"), atomically: true, encoding: .utf8)
    let result = try cli.run(["verify", "idle-check", "--lessons", folder.path, "--accel", "tcg", "--format", "tap"])
    #expect(result.status == 1, "\(result.stdoutText)\n\(result.stderrText)")
    #expect(result.stdoutText.contains("not ok 1 - idle-check nothing"), "\(result.stdoutText)")
    #expect(result.stdoutText.contains("already pass before the solution"), "\(result.stdoutText)")
    #expect(result.stdoutText.contains("1..1"))
    let junit = try cli.run(["verify", "idle-check", "--lessons", folder.path, "--accel", "tcg", "--format", "junit"])
    #expect(junit.status == 1)
    #expect(junit.stdoutText.hasPrefix("<?xml"))
    #expect(junit.stdoutText.contains("<testsuite name=\"idle-check\" tests=\"1\" failures=\"1\""), "\(junit.stdoutText)")
    #expect(junit.stdoutText.contains("<testcase classname=\"idle-check\" name=\"nothing\""))
    #expect(junit.stdoutText.contains("<failure message=\""))
    #expect(junit.stdoutText.hasSuffix("</testsuites>\n"))
  }

  @Test func aWrongAnswerFailsWithoutGivingTheAnswerAwayAndAHint() throws {
    let cli = try QLearnCLI()
    let start = try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["answer", "4"]).status == 0)
    let wrong = try cli.run(["check"])
    #expect(wrong.status == 1, "\(wrong.stdoutText)\n\(wrong.stderrText)")
    #expect(wrong.stdoutText.contains("FAIL  answer-equals"), "\(wrong.stdoutText)")
    #expect(wrong.stdoutText.contains(#""4" is not it"#), "\(wrong.stdoutText)")
    #expect(!wrong.stdoutText.contains(#""5""#), "the expected value is never shown: \(wrong.stdoutText)")
    #expect(!wrong.stdoutText.contains("value=5"), "\(wrong.stdoutText)")
    #expect(wrong.stdoutText.contains("Hint 1/3: Every NVMe queue"), "\(wrong.stdoutText)")
    #expect(try cli.run(["hint"]).stdoutText.contains("Hint 2/3"))

    #expect(try cli.run(["answer", "5"]).status == 0)
    let right = try cli.run(["check"])
    #expect(right.status == 0, "\(right.stdoutText)\n\(right.stderrText)")
    #expect(right.stdoutText.contains("PASS  answer-equals"))
    #expect(right.stdoutText.contains("Next, step 2/5 pin-io"))
    // pin-io grades interrupts since it began: nothing yet, then a direct read on CPU 2.
    #expect(try cli.run(["check"]).status == 1)
    #expect(try cli.run(["next"]).status == 1, "next refuses a step that has not passed")
    let read = try cli.run(["exec", "--", "taskset", "-c", "2", "dd", "if=/dev/nvme0n1", "of=/dev/null", "bs=4k", "count=256", "iflag=direct"])
    #expect(read.status == 0, "\(read.stderrText)")
    #expect(try cli.run(["check"]).status == 0)
    // cpu-offline, poll-queues and queue-arithmetic are skipped; the third skip ends the lesson.
    for _ in 0..<2 { #expect(try cli.run(["skip"]).status == 0) }
    let skip = try cli.run(["skip"])
    #expect(skip.status == 0, "\(skip.stdoutText)\n\(skip.stderrText)")
    #expect(skip.stdoutText.contains("last step"))

    let store = try ProgressStore(directory: cli.paths.data)
    let steps = ["count-vectors", "pin-io", "cpu-offline", "poll-queues", "queue-arithmetic"]
    let progress = try store.progress(lesson: "nvme-queues", steps: steps)
    #expect(progress.steps.map(\.state) == [.passed, .passed, .skipped, .skipped, .skipped])
    #expect(progress.steps[0].attempts == 2)
    #expect(progress.steps[0].hintsRevealed == 2)
    let attempts = try store.attempts(lesson: "nvme-queues")
    #expect(attempts.first?.outcomes.first?.expected == CheckReport.hiddenExpectation)
    #expect(attempts.first?.outcomes.first?.actual == #""4""#)
  }

  @Test func aDeadVMIsReportedAndNoAttemptIsRecorded() async throws {
    let cli = try QLearnCLI()
    #expect(try cli.run(["start", "scsi-addressing", "--detach", "--accel", "tcg"]).status == 0)
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["answer", "0:2:1:0"]).status == 0)
    #expect(try cli.run(["check"]).status == 0)  // read-address passes; delete-disk is current and grades the guest
    let session = SessionDirectory.forLesson("scsi-addressing", paths: cli.paths)
    let pid = try #require(try session.readRecord().qemuPID)
    kill(pid, SIGKILL)
    let check = try cli.run(["check", "--lesson", "scsi-addressing"])
    #expect(check.status == 1)
    #expect(check.stderrText.contains("The VM of 'scsi-addressing' is gone"), "\(check.stdoutText)\n\(check.stderrText)")
    #expect(!check.stdoutText.contains("FAIL"), "a dead VM is not a failed check")
    let store = try ProgressStore(directory: cli.paths.data)
    let attempts = try store.attempts(lesson: "scsi-addressing")
    #expect(attempts.count == 1, "only the attempt made while the VM was alive")
    #expect(attempts.allSatisfy { $0.step == "read-address" })
  }
}
