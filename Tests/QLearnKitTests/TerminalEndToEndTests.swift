import Foundation
import Testing

@testable import QLearnKit

/// A learner at a real terminal: tmux runs `qlearn start`, keys are typed into the guest console, and `qlearn check`
/// runs beside it, as in a second pane.
@Suite(.serialized) struct TerminalEndToEndTests {
  /// A private tmux server per test run, so the test neither meets nor disturbs the user's own.
  static let server = "qlearn-e2e-\(getpid())"

  /// Runs tmux with its output in a file: the first call starts the tmux server, which would otherwise keep a pipe's
  /// write end open forever and leave a reader waiting for end-of-file.
  func tmux(_ arguments: [String]) throws -> (status: Int32, stdoutText: String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.server)-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    let tmux = try #require(Command.which("tmux")).path
    let pid = try Spawn.run(
      [tmux, "-L", Self.server] + arguments,
      standard: .init(output: handle.fileDescriptor, error: handle.fileDescriptor))
    let exit = try Spawn.wait(pid)
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    if case .exited(let code) = exit { return (code, text) }
    return (-1, text)
  }

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
}
