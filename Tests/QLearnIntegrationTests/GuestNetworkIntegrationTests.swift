import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// A guest on QEMU's user network reaches nothing of the host unless its lesson asks (`requires: [network]`) and the
/// learner consents (`--allow-network`): a check's command runs in the guest at every `qlearn check`, and QEMU's
/// 10.0.2.2 is the host's own loopback.
@Suite(.serialized) struct GuestNetworkIntegrationTests {
  static let lessons = ["--lessons", "Tests/QLearnTestSupport/Fixtures/lessons/network"]
  static let secret = "qlearn-host-only-\(getpid())"

  /// An HTTP server on the host's loopback only, answering every GET with ``secret``; returns its pid and port.
  func startLoopbackServer(in folder: URL) async throws -> (pid: pid_t, port: Int) {
    let portFile = folder.appendingPathComponent("port")
    let script = """
      import http.server, sys
      class H(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = b"\(Self.secret)"
              self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
              self.wfile.write(body)
          def log_message(self, *a): pass
      s = http.server.HTTPServer(("127.0.0.1", 0), H)
      s.timeout = 1
      open(sys.argv[1], "w").write(str(s.server_address[1]))
      for _ in range(120): s.handle_request()
      """
    let python = try #require(Command.which("python3")).path
    let pid = try Spawn.run([python, "-c", script, portFile.path])
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
      if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) { return (pid, port) }
      try await Task.sleep(for: .milliseconds(50))
    }
    kill(pid, SIGKILL)
    throw CancellationError()
  }

  /// Brings eth0 up in the guest, proves the card works (QEMU's gateway answers a ping), then fetches from the host.
  func fetchFromHost(_ cli: QLearnCLI, port: Int) throws -> Command.Output {
    let up = try cli.run(["exec", "--", "sh", "-c", "ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ping -c 1 -W 5 10.0.2.2"])
    #expect(up.status == 0, "the guest's card must work for the test to mean anything: \(up.stdoutText)\(up.stderrText)")
    // busybox's nc, not its wget: the static wget dies in libc's name-service code even for a bare address.
    return try cli.run([
      "exec", "--", "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 10.0.2.2 \(port); echo \"nc status $?\"",
    ])
  }

  @Test func aUserNetdevReachesNoHostService() async throws {
    let cli = try QLearnCLI()
    let server = try await startLoopbackServer(in: cli.home)
    defer {
      kill(server.pid, SIGKILL)
      _ = try? Spawn.wait(server.pid)
    }
    let start = try cli.run(["start", "guest-net-closed", "--detach", "--accel", "tcg"] + Self.lessons)
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"] + Self.lessons) }
    let fetched = try fetchFromHost(cli, port: server.port)
    #expect(fetched.stdoutText.contains("nc status"), "the fetch must have run: \(fetched.stdoutText)\(fetched.stderrText)")
    #expect(!fetched.stdoutText.contains(Self.secret), "the guest read a service on the host's loopback")
  }

  @Test func aLessonThatAsksForTheNetworkNeedsTheLearnersConsent() async throws {
    let cli = try QLearnCLI()
    let refused = try cli.run(["start", "guest-net-open", "--detach", "--accel", "tcg"] + Self.lessons)
    #expect(refused.status != 0)
    #expect(refused.stderrText.contains("asks for network access"), "\(refused.stderrText)")
    #expect(refused.stderrText.contains("--allow-network"), "\(refused.stderrText)")
    let verify = try cli.run(["verify", "guest-net-open", "--accel", "tcg"] + Self.lessons)
    #expect(verify.stdoutText.contains("SKIPPED, its guest reaches the network"), "\(verify.stdoutText)")

    let server = try await startLoopbackServer(in: cli.home)
    defer {
      kill(server.pid, SIGKILL)
      _ = try? Spawn.wait(server.pid)
    }
    let start = try cli.run(["start", "guest-net-open", "--detach", "--accel", "tcg", "--allow-network"] + Self.lessons)
    #expect(start.status == 0, "\(start.stderrText)")
    // With consent the same fetch succeeds: the closed case above fails because of restrict=on, not by accident.
    let fetched = try fetchFromHost(cli, port: server.port)
    #expect(fetched.stdoutText.contains(Self.secret), "\(fetched.stdoutText)\(fetched.stderrText)")
    _ = try cli.run(["stop", "--all"] + Self.lessons)

    // The consent is remembered for this version of the lesson.
    let again = try cli.run(["start", "guest-net-open", "--detach", "--accel", "tcg"] + Self.lessons)
    #expect(again.status == 0, "\(again.stderrText)")
    _ = try cli.run(["stop", "--all"] + Self.lessons)
  }
}
