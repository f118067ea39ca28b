import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Two processes share one progress database.
@Suite struct ProgressTwoProcessTests {
  /// Another process (`progress-recorder`, the same ProgressStore code) writes while this one does.
  @Test func anotherProcessWritingAtTheSameTime() throws {
    let directory = try progressTestDirectory()
    let store = try ProgressStore(directory: directory)
    let child = try RecorderChild(directory: directory, count: 200)
    var mine: [Int64] = []
    for index in 0..<200 {
      mine.append(
        try store.recordAttempt(lesson: "parent", step: "s", startedAt: Date(), outcomes: progressSampleOutcomes(index))
      )
    }
    let theirs = child.readAcknowledgedIDs()
    child.process.waitUntilExit()
    #expect(child.process.terminationStatus == 0, "stderr: \(child.standardError())")
    #expect(theirs.count == 200)
    #expect(Set(mine).isDisjoint(with: theirs))
    #expect(try store.attempts(lesson: "parent").count == 200)
    #expect(try store.attempts(lesson: RecorderChild.lesson).map(\.id) == theirs)
    #expect(try store.integrityCheck() == "ok")
  }
}
