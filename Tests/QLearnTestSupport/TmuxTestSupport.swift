import Foundation
import Testing

import QLearnKit

/// A private tmux server for a test: a learner's terminal with an interactive shell, driven by `send-keys` and read
/// with `capture-pane`, as a person would type and read. It never meets or disturbs the user's own tmux.
public struct TmuxServer: Sendable {
  public let name: String

  public init(_ purpose: String) { name = "qlearn-\(purpose)-\(getpid())-\(UUID().uuidString.prefix(8))" }

  /// Runs tmux with its output in a file: the first call starts the tmux server, which would otherwise keep a pipe's
  /// write end open forever and leave a reader waiting for end-of-file.
  @discardableResult
  public func run(_ arguments: [String]) throws -> (status: Int32, stdoutText: String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    let tmux = try #require(Command.which("tmux")).path
    let pid = try Spawn.run(
      [tmux, "-L", name] + arguments, standard: .init(output: handle.fileDescriptor, error: handle.fileDescriptor))
    let exit = try Spawn.wait(pid)
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    if case .exited(let code) = exit { return (code, text) }
    return (-1, text)
  }

  /// Opens a window running an interactive bash (no rc files, a known prompt) with `environment` exported.
  public func startShell(
    window: String, prompt: String, environment: [String: String], columns: Int = 100, rows: Int = 30
  ) throws {
    let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(ShellQuoted($0.value))" }
    let shell = (["env"] + exports + ["PS1=\(prompt)", "bash", "--norc", "--noprofile", "-i"]).joined(separator: " ")
    let started = try run([
      "new-session", "-d", "-s", window, "-x", String(columns), "-y", String(rows), "-c", Repository.root.path, shell,
    ])
    #expect(started.status == 0, "tmux new-session: \(started.stdoutText)")
  }

  public func type(_ window: String, _ keys: String...) throws { try run(["send-keys", "-t", window] + keys) }

  public func screen(_ window: String) throws -> String { try run(["capture-pane", "-p", "-t", window]).stdoutText }

  public func kill() { _ = try? run(["kill-server"]) }

  /// Polls `condition` until it holds; records an issue naming `what` and the screen if it never does.
  public func waitFor(_ what: String, on window: String, timeout: Duration, _ condition: (String) -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if condition(try screen(window)) { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out after \(timeout) waiting for \(what); the screen:\n\(try screen(window))")
    throw CancellationError()
  }
}

/// A value quoted for a POSIX shell.
private func ShellQuoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'" }
