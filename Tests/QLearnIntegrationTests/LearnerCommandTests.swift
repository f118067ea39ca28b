import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The built `qlearn` as a learner meets it without a VM: `list` in 80 columns, hints.
@Suite struct LearnerCommandTests {
  @Test func listFitsEightyColumnsAndHintNeedsNoVM() throws {
    let cli = try QLearnCLI()
    let list = try cli.run(["list"])
    #expect(list.status == 0)
    let lines = list.stdoutText.split(separator: "\n")
    #expect(lines.count > 10)
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")

    let first = try cli.run(["hint", "--lesson", "nvme-queues"])
    #expect(first.status == 0, "\(first.stderrText)")
    #expect(first.stdoutText.hasPrefix("Hint 1/3: Every NVMe queue"), "\(first.stdoutText)")
    // Without --lesson: the only lesson begun.
    let second = try cli.run(["hint"])
    #expect(second.status == 0, "\(second.stderrText)")
    #expect(second.stdoutText.hasPrefix("Hint 2/3"), "\(second.stdoutText)")
    let store = try ProgressStore(directory: cli.paths.data)
    #expect(try store.hintsRevealed(lesson: "nvme-queues", step: "count-vectors") == 2)
  }
}
