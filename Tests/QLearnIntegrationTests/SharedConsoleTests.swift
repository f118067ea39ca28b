import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The page's console and `qlearn attach` at the same time, on one VM booted under TCG by `qlearn start`.
@Suite(.serialized) struct SharedConsoleTests {
  @Test(.timeLimit(.minutes(5))) func attachTypesWhileAPageShowsTheConsole() async throws {
    let cli = try QLearnCLI()
    let started = try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(started.status == 0, "\(String(decoding: started.stderr, as: UTF8.self))")
    let (serve, url) = try BrowserEndToEndTests.serve(cli)
    defer {
      serve.terminate()
      serve.waitUntilExit()
      _ = try? cli.run(["stop", "--all"])
    }

    // One state with the command line: the VM `qlearn start` booted is running in the page's eyes.
    let token = try #require(url.split(separator: "=").last.map(String.init))
    let base = try #require(url.components(separatedBy: "/?").first)
    let state = try Command(
      "curl", ["-s", "--max-time", "20", "-H", "Cookie: qlearn_token=\(token)", base + "/api/lesson/nvme-queues/state"]
    ).output()
    let stateText = String(decoding: state.stdout, as: UTF8.self)
    #expect(stateText.contains("\"running\":true"), "\(stateText)")
    #expect(stateText.contains("\"accelerator\":\"tcg\""), "\(stateText)")

    // A page's console: the WebSocket, listening for 15 s (Python's standard library, as a browser would).
    let script = Repository.root.appendingPathComponent("Tests/Browser/console_ws.py").path
    let page = Task.detached { try BrowserEndToEndTests.run("python3", [script, url, "nvme-queues", "15"], limit: .seconds(60)) }
    let shared = cli.paths.runtime.appendingPathComponent("sessions/nvme-queues/console-shared.sock").path
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: shared) { try await Task.sleep(for: .milliseconds(100)) }
    #expect(FileManager.default.fileExists(atPath: shared), "the server offers no shared console while a page shows it")

    // Meanwhile the learner types at `qlearn attach` on a terminal; the guest runs it and the page sees the result.
    var environment = cli.environment
    environment["TERM"] = "xterm"
    let line = "'\(try qlearnExecutableURL().path)' attach nvme-queues"
    // Ctrl-] d detaches after the line: the keys before it in the same read still go to the guest.
    let attach = try BrowserEndToEndTests.run(
      "script", ["-qec", line, "/dev/null"], limit: .seconds(30), input: Data("echo shared-$((6*7))\n\u{1D}d".utf8),
      environment: environment)
    let attachSaid = String(decoding: attach.output, as: UTF8.self)
    #expect(attachSaid.contains("Detached."), "\(attachSaid)")
    #expect(attachSaid.contains("Connected to the console of nvme-queues"), "\(attachSaid)")
    #expect(!attachSaid.contains("is gone"), "\(attachSaid)")

    let (status, pageOutput) = try await page.value
    let pageSaw = String(decoding: pageOutput, as: UTF8.self)
    #expect(status == 0)
    #expect(pageSaw.contains("shared-42"), "the page saw:\n\(pageSaw)")

    // With the page gone the console is QEMU's own again: `qlearn exec` is unaffected, and attach works directly.
    try await Task.sleep(for: .seconds(2))
    #expect(!FileManager.default.fileExists(atPath: shared))
  }
}
