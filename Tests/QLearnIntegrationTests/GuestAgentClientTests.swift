import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Against a real qemu-ga listening on a unix socket on the host (`qemu-ga -m unix-listen`): the agent's protocol is the
/// same as in the VM, only the programs and files are the host's.
@Suite(.serialized) struct GuestAgentClientTests {
  @Test func connectsAndPings() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    try await ga.ping()
    let info = try await ga.execute("guest-info")
    #expect(info["supported_commands"]?.array?.contains { $0["name"]?.string == "guest-exec" } == true)
  }

  @Test func execCapturesStdout() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    let result = try await ga.exec(path: "/bin/echo", args: ["hello", "guest"])
    #expect(result.exitCode == 0)
    #expect(result.signal == nil)
    #expect(result.stdoutText == "hello guest\n")
    #expect(result.stderr.isEmpty)
  }

  @Test func execReportsExitStatusStderrAndSignals() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    let failed = try await ga.shell("echo oops >&2; exit 3")
    #expect(failed.exitCode == 3)
    #expect(failed.stderrText == "oops\n")
    #expect(failed.stdout.isEmpty)
    let killed = try await ga.shell("kill -9 $$")
    #expect(killed.signal == 9)
    #expect(killed.exitCode == 137)
  }

  @Test func execFeedsStandardInput() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    let result = try await ga.exec(path: "/bin/cat", input: Data("line one\nline two\n".utf8))
    #expect(result.stdoutText == "line one\nline two\n")
  }

  @Test func missingProgramIsAGuestCommandFailure() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    do {
      _ = try await ga.exec(path: "/nonexistent/program")
      Issue.record("exec of a missing program succeeded")
    } catch GuestAgentError.guestCommandFailed(let command, _, let desc) {
      #expect(command == "guest-exec")
      #expect(desc.contains("/nonexistent/program"))
    }
  }

  @Test func slowProgramTimesOut() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    do {
      _ = try await ga.exec(path: "/bin/sleep", args: ["3"], timeout: .milliseconds(200))
      Issue.record("sleep 3 finished within 200 ms")
    } catch GuestAgentError.execTimedOut(let path, let pid, let timeout) {
      #expect(path == "/bin/sleep")
      #expect(pid > 0)
      #expect(timeout == .milliseconds(200))
    }
    try await ga.ping()
  }

  @Test func readsFiles() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let file = agent.directory.appendingPathComponent("data.txt")
    let contents = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 % 251) })
    try contents.write(to: file)
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    #expect(try await ga.readFile(path: file.path) == contents)
    #expect(try await ga.readFile(path: file.path, maxBytes: 100) == contents.prefix(100))
    await #expect(throws: GuestAgentError.self) {
      try await ga.readFile(path: agent.directory.appendingPathComponent("missing").path)
    }
    // No handle leaked by the failure: the connection still works.
    #expect(try await ga.readFile(path: file.path, maxBytes: 3) == contents.prefix(3))
  }

  @Test func stoppedAgentTimesOutThenRecovers() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    agent.signal(SIGSTOP)
    await #expect(throws: GuestAgentError.agentUnresponsive(command: "guest-ping", timeout: .milliseconds(300))) {
      try await ga.ping(timeout: .milliseconds(300))
    }
    #expect(
      GuestAgentError.agentUnresponsive(command: "guest-ping", timeout: .seconds(3)).errorDescription
        == "The guest agent did not answer guest-ping within 3 s.")
    agent.signal(SIGCONT)
    // The stale guest-ping reply is still queued; the resync before the next request skips it.
    let result = try await ga.exec(path: "/bin/echo", args: ["back"], timeout: .seconds(5))
    #expect(result.stdoutText == "back\n")
  }

  @Test func resynchronisesAfterGarbage() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    try await ga.sendGarbage(Array(#"{"execute": "guest-ping", "argu"#.utf8))
    // The agent's parser swallows the next request into the garbage: no reply with our id arrives.
    await #expect(throws: GuestAgentError.agentUnresponsive(command: "guest-ping", timeout: .milliseconds(500))) {
      try await ga.ping(timeout: .milliseconds(500))
    }
    try await ga.ping(timeout: .seconds(5))
    // An explicit resync after garbage works without a timeout first.
    try await ga.sendGarbage(Array(#"{"exec"#.utf8))
    try await ga.resync()
    try await ga.ping()
  }

  @Test func reconnectsAfterClose() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    defer { agent.stop() }
    let first = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    try await first.ping()
    first.close()
    await #expect(throws: GuestAgentError.self) { try await first.ping() }
    let second = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    try await second.ping()
  }

  @Test func killedAgentIsReportedAsClosed() async throws {
    let (agent, socket) = try startScratchGuestAgent()
    let ga = try await GuestAgentClient.connect(path: socket, timeout: .seconds(10))
    agent.stop()
    await #expect(throws: GuestAgentError.agentClosed(path: socket)) {
      try await ga.ping(timeout: .seconds(5))
    }
  }

  @Test func silentSocketIsNotReady() async throws {
    // A listening socket nobody answers on: what QEMU's chardev looks like before the guest has booted.
    let directory = try sessionScratchDirectory("silent")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("qga.sock").path
    let listener = try ScratchProcess(
      "/usr/bin/python3",
      ["-c", "import socket,time;s=socket.socket(socket.AF_UNIX);s.bind('\(path)');s.listen();c=s.accept();time.sleep(30)"],
      directory: directory)
    defer { listener.stop() }
    await #expect(throws: GuestAgentError.notReady(timeout: .milliseconds(600))) {
      _ = try await GuestAgentClient.connect(path: path, timeout: .milliseconds(600))
    }
  }
}

extension GuestAgentClient {
  /// Writes raw bytes to the agent, bypassing the protocol, to leave garbage in the agent's parser.
  fileprivate func sendGarbage(_ bytes: [UInt8]) async throws {
    let deadline = ContinuousClock.now + .seconds(1)
    try await connection.perform { try $0.channel.sendRaw(bytes, until: deadline) }
  }
}
