import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// `qlearn show` typed at an interactive shell, as a learner does: the pager must get the keyboard (a pager started in a
/// process group of its own is stopped by SIGTTIN and leaves a blank screen for ever), and `q` or Ctrl-C must give the
/// prompt back.
@Suite(.serialized) struct PagerTerminalTests {
  static let prompt = "learner$ "
  /// The prompt as `capture-pane` shows it: trailing blanks trimmed.
  static let promptOnScreen = "learner$"

  func showAndQuit(pager: String?, quitKey: String, expectPagerPrompt: String) async throws {
    let cli = try QLearnCLI()
    let tmux = TmuxServer("pager")
    defer { tmux.kill() }
    var environment = cli.environment.filter { $0.key.hasPrefix("QLEARN_") }
    environment["TERM"] = "xterm"
    if let pager { environment["PAGER"] = pager }
    try tmux.startShell(window: "learner", prompt: Self.prompt, environment: environment)
    try await tmux.waitFor("the shell's prompt", on: "learner", timeout: .seconds(10)) { $0.contains(Self.promptOnScreen) }

    try tmux.type("learner", "\(try qlearnExecutableURL().path) show nvme-queues", "Enter")
    // The lesson is taller than 30 rows, so its first screen and the pager's own prompt must show.
    try await tmux.waitFor("the first screen of the lesson", on: "learner", timeout: .seconds(20)) {
      $0.contains("NVMe") && $0.contains(expectPagerPrompt)
    }
    try tmux.type("learner", quitKey)
    try await tmux.waitFor("the prompt back after \(quitKey)", on: "learner", timeout: .seconds(10)) { screen in
      let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      return lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })?.hasPrefix(Self.promptOnScreen) == true
    }
    // The shell answers again: the terminal is the learner's, not a stopped pager's.
    try tmux.type("learner", "echo still-here-$((6*7))", "Enter")
    try await tmux.waitFor("the shell to run a command", on: "learner", timeout: .seconds(10)) {
      $0.contains("still-here-42")
    }
  }

  @Test func lessQuitsOnQ() async throws {
    try await showAndQuit(pager: nil, quitKey: "q", expectPagerPrompt: "\n:")
  }

  @Test func lessQuitsOnCtrlC() async throws {
    try await showAndQuit(pager: nil, quitKey: "C-c", expectPagerPrompt: "\n:")
  }

  @Test func moreQuitsOnQ() async throws {
    try await showAndQuit(pager: "more", quitKey: "q", expectPagerPrompt: "--More--")
  }
}
