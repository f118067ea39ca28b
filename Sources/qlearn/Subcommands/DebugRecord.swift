import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  /// Records attempts as fast as it can and acknowledges each one on stdout after it is committed.
  ///
  /// Hidden: it exists for the crash test, which SIGKILLs it mid-write and then checks that every acknowledged
  /// attempt survived with all its check results and that the database is intact.
  struct DebugRecord: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "_debug-record",
      abstract: "Record N synthetic attempts, printing `saved <id>` after each commit (crash testing).",
      shouldDisplay: false)

    @Option(help: "Directory holding progress.db.")
    var dataDir: String

    @Option(help: "How many attempts to record.")
    var count: Int

    func validate() throws {
      guard count >= 0 else { throw ValidationError("--count must be zero or more, not \(count).") }
    }

    func run() throws {
      let store = try ProgressStore(directory: Paths.standard(dataOverride: dataDir).data)
      for index in 0..<count {
        let outcomes = (0..<5).map { position in
          CheckOutcome(
            name: "check-\(position)", passed: position != 4 || index % 2 == 0, expected: "value \(index)",
            actual: "value \(index + position % 2)", message: "attempt \(index), check \(position)")
        }
        let id = try store.recordAttempt(
          lesson: "debug-record", step: "step-\(index % 7)", startedAt: Date(), outcomes: outcomes)
        // FileHandle writes straight to fd 1 (no stdio buffer): the line is out before the next attempt begins.
        FileHandle.standardOutput.write(Data("saved \(id)\n".utf8))
      }
    }
  }
}
