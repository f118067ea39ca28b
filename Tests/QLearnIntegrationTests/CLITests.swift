import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct CLITests {
  static let hostile = ["--lessons", "Tests/QLearnTestSupport/Fixtures/lessons/hostile"]
  /// Escape sequences planted in the hostile fixture's front matter and prose.
  static let planted = ["\u{1B}[2J", "\u{1B}]0;pwned", "\u{07}", "\u{9B}", "\u{1B}[5m", "\u{1B}]52;", "\u{1B}[31m", "\u{08}"]

  @Test func showPrintsNoEscapeSequenceInPlainOutput() throws {
    let output = try QLearnCLI().run(["show", "hostile-prose"] + Self.hostile)
    #expect(output.status == 0, "\(output.stderrText)")
    #expect(output.stdoutText.contains("LOADING THE DRIVER"))
    #expect(!output.stdout.contains(0x1B))
    #expect(!output.stdoutText.unicodeScalars.contains("\u{9B}"))
  }

  @Test func showOnATerminalStylesButPassesNoLessonSequence() throws {
    let output = try QLearnCLI().runOnTerminal(["show", "hostile-prose"] + Self.hostile)
    #expect(output.status == 0, "\(output.stdoutText)")
    #expect(output.stdoutText.contains("\u{1B}[1m"), "expected qlearn's own bold on a terminal")
    for sequence in Self.planted {
      #expect(!output.stdoutText.contains(sequence), "raw \(sequence.debugDescription) reached the terminal")
    }
  }

  /// Raw control bytes in a lesson never get as far as a renderer: the lesson is refused, at their place, and the
  /// refusal quotes none of them.
  @Test func showRefusesALessonWithRawControlBytesAndQuotesNone() throws {
    let output = try QLearnCLI().run(["show", "hostile-raw", "--lessons", "Tests/QLearnTestSupport/Fixtures/lessons/hostile-raw"])
    #expect(output.status != 0)
    let said = output.stdoutText + output.stderrText
    #expect(said.contains("hostile-raw.md:18:22"), "\(said)")
    #expect(said.contains("control character U+001B (ESC)"), "\(said)")
    #expect(!output.stdout.contains(0x1B) && !output.stderr.contains(0x1B))
  }

  @Test func lintExitStatusesFollowTheContract() throws {
    let cli = try QLearnCLI()
    let clean = try cli.run(["lint"])
    #expect(clean.status == 0, "\(clean.stdoutText)")
    let broken = try cli.run(["lint", "Tests/QLearnTestSupport/Fixtures/lessons/broken/unknown-key.md"])
    #expect(broken.status == 1)
    #expect(broken.stdoutText.contains("unknown-key.md:7:1: error: at minuts: unknown key 'minuts': did you mean 'minutes'?"))
    let usage = try cli.run(["lint", "--no-such-flag"])
    #expect(usage.status == 64)
    let missing = try cli.run(["show", "nvme-queue"])
    #expect(missing.status == 64)
    #expect(missing.stderrText.contains("did you mean 'nvme-queues'?"))
  }

  @Test func listAndProgressReadTheStore() throws {
    let cli = try QLearnCLI()
    let list = try cli.run(["list"])
    #expect(list.status == 0)
    #expect(list.stdoutText.contains("nvme-queues"))
    let store = try ProgressStore(directory: cli.home.appendingPathComponent("data"))
    try store.recordAttempt(
      lesson: "nvme-queues", step: "count-vectors", startedAt: Date(),
      outcomes: [CheckOutcome(name: "answer-equals", passed: true)])
    let after = try cli.run(["list"])
    let steps = try #require(Course(paths: [Repository.lessons]).lesson("nvme-queues")).steps.count
    #expect(after.stdoutText.contains("1/\(steps) steps"), "\(after.stdoutText)")
    let progress = try cli.run(["progress", "nvme-queues"])
    #expect(progress.stdoutText.contains("count-vectors"))
    #expect(progress.stdoutText.contains("passed"))
    let exported = try cli.run(["progress", "nvme-queues", "--json"])
    let json = try #require(try JSONSerialization.jsonObject(with: exported.stdout) as? [String: Any])
    let lesson = try #require((json["lessons"] as? [[String: Any]])?.first)
    #expect(lesson["lesson"] as? String == "nvme-queues")
    #expect((lesson["steps"] as? [[String: Any]])?.first?["state"] as? String == "passed")
    #expect(((lesson["attempts"] as? [[String: Any]])?.first?["checks"] as? [[String: Any]])?.first?["name"] as? String == "answer-equals")
    let refused = try cli.run(["reset", "nvme-queues"])
    #expect(refused.status == 64, "reset without --yes off a terminal must refuse")
    let reset = try cli.run(["reset", "nvme-queues", "--yes"])
    #expect(reset.status == 0)
    #expect(try cli.run(["list"]).stdoutText.contains("1/3 steps") == false)
  }
}
