import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// A learner at a real terminal: tmux runs `qlearn start`, keys are typed into the guest console, and `qlearn check`
/// runs beside it, as in a second pane.
@Suite(.serialized) struct TerminalEndToEndTests {
  /// A private tmux server per test run, so the test neither meets nor disturbs the user's own.
  static let server = TmuxServer("e2e")

  @discardableResult
  func tmux(_ arguments: [String]) throws -> (status: Int32, stdoutText: String) { try Self.server.run(arguments) }

  func screen(_ name: String) throws -> String {
    try tmux(["capture-pane", "-p", "-t", name, "-S", "-200"]).stdoutText
  }

  func waitFor(_ what: String, timeout: Duration, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if try condition() { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
  }

  @Test func aLearnerTypesOnTheConsoleAndPassesTheStep() async throws {
    let cli = try QLearnCLI()
    let name = "qlearn-e2e-\(getpid())"
    let environment = cli.environment.filter { $0.key.hasPrefix("QLEARN_") }.map { "\($0.key)=\($0.value)" }
    let command = (["env"] + environment + [try qlearnExecutableURL().path, "start", "nvme-queues", "--accel", "tcg"])
      .map { "'\($0)'" }.joined(separator: " ") + "; sleep 60"  // keep the pane to read after qlearn exits
    #expect(try tmux(["new-session", "-d", "-s", name, "-x", "150", "-y", "50", "-c", Repository.root.path, command]).status == 0)
    defer {
      _ = try? cli.run(["stop", "--all"])
      _ = try? tmux(["kill-server"])
    }
    try await waitFor("the guest prompt", timeout: .seconds(120)) { try screen(name).contains("vm#") }

    // A wrong answer fails, with what was found (never what was expected), and a hint.
    #expect(try cli.run(["answer", "4"]).status == 0)
    let wrong = try cli.run(["check"])
    #expect(wrong.status == 1)
    #expect(!wrong.stdoutText.contains("\"5\""), "\(wrong.stdoutText)")
    #expect(wrong.stdoutText.contains("\"4\" is not it"), "\(wrong.stdoutText)")
    #expect(wrong.stdoutText.lowercased().contains("hint"), "\(wrong.stdoutText)")
    #expect(try cli.run(["answer", "5"]).status == 0)
    #expect(try cli.run(["check"]).status == 0)

    // The next step is done by typing in the guest console, as the learner would.
    let before = try cli.run(["check"])
    #expect(before.status == 1, "pin-io must not pass before the learner acts: \(before.stdoutText)")
    _ = try tmux([
      "send-keys", "-t", name, "taskset -c 2 dd if=/dev/nvme0n1 of=/dev/null bs=4k count=256 iflag=direct", "Enter",
    ])
    try await waitFor("dd to finish", timeout: .seconds(60)) { try screen(name).contains("256+0 records out") }
    // Watch mode notices, on the console itself, that the step now passes.
    try await waitFor("the watch-mode notice", timeout: .seconds(20)) {
      try screen(name).contains("[qlearn] Steer I/O into one queue: all checks pass")
    }
    let after = try cli.run(["check"])
    #expect(after.status == 0, "\(after.stdoutText)\(after.stderrText)")

    // Ctrl-] d detaches and leaves the VM running.
    _ = try tmux(["send-keys", "-t", name, "C-]", "d"])
    try await waitFor("the detach message", timeout: .seconds(10)) { try screen(name).contains("Detached") }
    #expect(try cli.run(["status"]).stdoutText.contains("nvme-queues"))
  }

  /// The whole session as a learner lives it, typed into an interactive bash in tmux: start, commands in the guest
  /// console, a wrong answer (which never shows the right one), a hint, the monitor, detach and reattach, a QEMU that
  /// dies and a start that resumes, and the last step.
  @Test func aLearnersWholeSessionFromAnInteractiveShell() async throws {
    let cli = try QLearnCLI()
    let name = "qlearn-learner-\(getpid())"
    let bin = cli.home.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: bin.appendingPathComponent("qlearn"), withDestinationURL: try qlearnExecutableURL())
    let environment = cli.environment.filter { $0.key.hasPrefix("QLEARN_") }.map { "\($0.key)=\($0.value)" }
    let shell = (["env"] + environment + ["PATH=\(bin.path):/usr/sbin:/usr/bin:/sbin:/bin", "PS1=host$ ", "bash", "--norc", "-i"])
      .map { "'\($0)'" }.joined(separator: " ")
    #expect(try tmux(["new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", Repository.root.path, shell]).status == 0)
    defer {
      _ = try? cli.run(["stop", "--all"])
      _ = try? tmux(["kill-session", "-t", name])
    }
    func type(_ keys: String...) throws { _ = try tmux(["send-keys", "-t", name] + keys) }
    func wait(_ text: String, _ seconds: Int = 30) async throws {
      try await waitFor("'\(text)' on the screen", timeout: .seconds(seconds)) { try screen(name).contains(text) }
    }
    func clear() async throws {
      _ = try tmux(["clear-history", "-t", name])
      try type("clear", "Enter")
      try await Task.sleep(for: .milliseconds(500))
    }
    try await wait("host$")

    // Start: boot progress, then the guest console, where the learner types.
    try type("qlearn start nvme-queues --accel tcg", "Enter")
    try await wait("vm#", 120)
    try type("grep -c nvme0q /proc/interrupts", "Enter")
    try await waitFor("grep's count", timeout: .seconds(30)) {
      try screen(name).split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "5" }
    }
    try type("stty size", "Enter")
    try await wait("40 120", 15)

    // Detach, answer wrong: the right answer is never shown; a hint comes with it, and another on request.
    try type("C-]", "d")
    try await wait("Detached")
    try await clear()
    try type("qlearn answer 4 && qlearn check; qlearn hint", "Enter")
    try await wait("Hint 2/3")
    let wrong = try screen(name)
    #expect(wrong.contains("\"4\" is not it"), "\(wrong)")
    #expect(!wrong.contains("\"5\"") && !wrong.contains("value=5"), "\(wrong)")
    #expect(wrong.contains("Hint 1/3"))
    try type("qlearn answer '[5]' && qlearn check", "Enter")
    try await wait("Next, step 2/5 pin-io")

    // Reattach and do step 2 in the guest; watch mode says it passes, on a line of its own; Ctrl-] c records it.
    try await clear()
    try type("qlearn attach", "Enter")
    try await wait("vm#")
    try type("taskset -c 2 dd if=/dev/nvme0n1 of=/dev/null bs=4k count=256 iflag=direct", "Enter")
    try await wait("256+0 records out", 60)
    try type("echo half-typed")
    try await wait("[qlearn] Steer I/O into one queue: all checks pass", 30)
    let watched = try screen(name).split(separator: "\n").map(String.init)
    let notice = try #require(watched.firstIndex { $0.contains("[qlearn] Steer I/O") })
    #expect(watched[notice].hasPrefix("[qlearn]"), "on a line of its own: \(watched[notice])")
    #expect(watched.dropFirst(notice + 1).contains { $0.contains("vm# echo half-typed") }, "the typed line is redrawn")
    try type("C-u")
    try type("C-]", "c")
    try await wait("Next, step 3/5 cpu-offline")

    // The monitor: a command, an empty line re-prompts, Ctrl-D returns to the console.
    try await wait("Back to the console")
    try await clear()
    try type("C-]", "m")
    try await wait("(qemu)")
    try type("info status", "Enter")
    try await wait("VM status: running")
    try type("Enter")
    try await Task.sleep(for: .seconds(1))
    let monitor = try screen(name)
    #expect(monitor.components(separatedBy: "(qemu)").count >= 4, "an empty line prompts again: \(monitor)")
    try type("C-d")
    try await wait("vm#")
    try type("C-]", "d")
    try await wait("Detached")

    // QEMU dies; starting again resumes at step 3 with steps 1 and 2 applied.
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    kill(try #require(try session.readRecord().qemuPID), SIGKILL)
    try await Task.sleep(for: .seconds(1))
    try await clear()
    try type("qlearn start nvme-queues --accel tcg", "Enter")
    try await wait("Resuming nvme-queues at step 3/5 cpu-offline", 120)
    try await wait("step 2/5 pin-io: applied", 60)
    try await wait("vm#", 60)
    try type("C-]", "d")
    try await wait("Detached")

    // Steps 3 and 4 skipped (their reference solutions applied), the last one typed in the console, answered, then
    // the congratulation and exit status 0.
    try await clear()
    try type("qlearn skip && qlearn skip", "Enter")
    try await wait("queue-arithmetic", 90)
    try await clear()
    try type("qlearn attach nvme-queues", "Enter")
    try await wait("Connected to the console", 30)
    try type("Enter")
    try await wait("vm#", 30)
    try type("rmmod nvme && modprobe nvme write_queues=2 poll_queues=4 && sleep 1; dmesg | grep default/read | tail -1", "Enter")
    try await wait("2/2/4 default/read/poll queues", 60)
    try type("C-]", "d")
    try await wait("Detached")
    try await clear()
    try type("qlearn answer 2/2/4", "Enter")
    try await wait("Recorded", 30)
    // (The status is printed plus 100, so the typed line itself never matches what is awaited.)
    try type("qlearn check; echo rc=$((100+$?))", "Enter")
    try await wait("rc=10", 30)
    let finished = try screen(name)
    #expect(finished.contains("Congratulations: you have finished every step of 'nvme-queues'"), "\(finished)")
    #expect(finished.contains("rc=100"), "\(finished)")
    try type("qlearn check; echo again=$((100+$?))", "Enter")
    try await wait("again=10", 30)
    #expect(try screen(name).contains("again=100"))
  }
}
