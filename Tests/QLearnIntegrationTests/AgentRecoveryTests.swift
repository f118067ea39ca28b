import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// A guest agent that dies comes back, and a check that cannot reach the guest is "not graded", never a pass or a fail.
@Suite(.serialized) struct AgentRecoveryTests {
  @Test func initSupervisesTheGuestAgent() {
    let text = InitScript.text(moduleDirectory: "/m", modules: [], guestAgent: true)
    #expect(text.contains("  while true; do\n    qemu-ga -m isa-serial -p /dev/ttyS1 -t /run"), "\(text)")
    #expect(text.contains("restarting it"))
    #expect(text.contains("echo -1000 > /proc/self/oom_score_adj"))
  }

  @Test func aStoreFromVersionOneKeepsItsEventsAndLearnsNotGraded() throws {
    let directory = try progressTestDirectory()
    do {
      let old = try ProgressStore(directory: directory, migrations: [ProgressSchema.migrations[0]])
      try old.recordEvent(lesson: "l", step: "s", kind: .hint, detail: "1")
    }
    let store = try ProgressStore(directory: directory)
    #expect(try store.schemaVersion == ProgressSchema.latestVersion)
    try store.recordEvent(lesson: "l", step: "s", kind: .ungraded, detail: "the guest did not answer")
    let step = try #require(try store.progress(lesson: "l", steps: ["s"]).steps.first)
    #expect(step.hintsRevealed == 1)
    #expect(step.notGraded == 1)
    #expect(step.attempts == 0)
    #expect(step.state == .inProgress)
  }

  @Test func aKilledGuestAgentIsRestartedAndGradingWorksAgain() async throws {
    let cli = try QLearnCLI()
    let start = try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    // The learner kills the agent (here from a command the agent itself started, a second later).
    let kill = try cli.run(["exec", "--", "sh", "-c", "(sleep 1; killall qemu-ga) </dev/null >/dev/null 2>&1 &"])
    #expect(kill.status == 0, "\(kill.stderrText)")
    try await Task.sleep(for: .seconds(2))
    let began = ContinuousClock.now
    var back = false
    for _ in 0..<20 {
      if try cli.run(["exec", "--", "true"]).status == 0 { back = true; break }
      try await Task.sleep(for: .milliseconds(500))
    }
    #expect(back, "the guest agent never came back")
    print("agent back \(ContinuousClock.now - began) after the first probe")
    #expect(try cli.run(["answer", "5"]).status == 0)
    let check = try cli.run(["check"])
    #expect(check.status == 0, "\(check.stdoutText)\n\(check.stderrText)")
    let console = try String(contentsOf: SessionDirectory.forLesson("nvme-queues", paths: cli.paths).layout.consoleLog, encoding: .utf8)
    #expect(console.contains("qlearn: the guest agent exited"), "the console says what happened")
  }

  /// The learner's answer is right, but the guest stops answering (here: QEMU paused) before the next step can begin:
  /// nothing is stored as passed, the step does not advance, and the learner is told; after the guest is back, the
  /// same check passes.
  @Test func aPassThatCannotBeginTheNextStepIsNotGraded() async throws {
    let cli = try QLearnCLI()
    let start = try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["answer", "4"]).status == 0)
    #expect(try cli.run(["check"]).status == 1)  // takes the step's baseline while the guest answers
    #expect(try cli.run(["answer", "5"]).status == 0)
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    try await qmp(session, "stop")
    let check = try cli.run(["check"])
    #expect(check.status == 1)
    #expect(check.stderrText.contains("not graded"), "\(check.stdoutText)\n\(check.stderrText)")
    #expect(check.stderrText.contains("still on that step"), "\(check.stderrText)")
    let store = try ProgressStore(directory: cli.paths.data)
    let step = try #require(try store.progress(lesson: "nvme-queues", steps: ["count-vectors"]).steps.first)
    #expect(step.state == .inProgress, "nothing stored as passed")
    #expect(step.attempts == 1, "only the wrong answer's attempt")
    #expect(step.notGraded == 1)
    #expect(try session.readRecord().step == "count-vectors")
    try await qmp(session, "cont")
    let again = try cli.run(["check"])
    #expect(again.status == 0, "\(again.stdoutText)\n\(again.stderrText)")
    #expect(try session.readRecord().step == "pin-io")
  }

  func qmp(_ session: SessionDirectory, _ command: String) async throws {
    let client = try await QMPClient.connect(path: session.layout.qmpSocket.path)
    defer { client.close() }
    _ = try await client.execute(command)
  }
}
