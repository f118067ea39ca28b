import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct ProgressCrashTests {
  /// SIGKILLs a `progress-recorder` child while it commits attempts, three times on one file, and checks that
  /// every attempt it acknowledged survived with all five results and that SQLite finds the file intact.
  @Test func killedWriterLosesNoAcknowledgedAttempt() throws {
    let directory = try progressTestDirectory()
    var acknowledged: [Int64] = []
    for (round, killAfter) in [150, 200, 250, 300, 350].enumerated() {
      let child = try RecorderChild(directory: directory, count: 100000)
      var ids = child.readAcknowledgedIDs(limit: killAfter)
      try #require(ids.count == killAfter, "child stopped early; stderr: \(child.standardError())")
      try syscall("kill", "\(child.process.processIdentifier)") { kill(child.process.processIdentifier, SIGKILL) }
      child.process.waitUntilExit()
      ids += child.readAcknowledgedIDs()  // lines written before the signal landed are acknowledged too
      #expect(child.process.terminationReason == .uncaughtSignal)
      #expect(child.process.terminationStatus == SIGKILL)
      acknowledged += ids

      let store = try ProgressStore(directory: directory)
      #expect(try store.integrityCheck() == "ok", "round \(round)")
      for id in acknowledged {
        let outcomes = try store.outcomes(attemptID: id)
        #expect(outcomes?.map(\.name) == (0..<5).map { "check-\($0)" }, "attempt \(id), round \(round)")
      }
      // At most one committed attempt per kill was not yet acknowledged, and none were half-written.
      let stored = try store.attempts(lesson: RecorderChild.lesson)
      #expect((acknowledged.count...(acknowledged.count + round + 1)).contains(stored.count), "round \(round)")
      #expect(stored.allSatisfy { $0.outcomes.count == 5 })
    }
  }

  /// 200 SIGKILLs at random moments of a writer's life (before its first commit, between two, inside one), each
  /// followed by SQLite's own integrity check and a look at every attempt stored: none may be half-recorded, and
  /// every acknowledged one must be whole.
  @Test func twoHundredKillsAtRandomMomentsLeaveNoHalfRecordedAttempt() throws {
    let directory = try progressTestDirectory()
    var generator = SystemRandomNumberGenerator()
    var acknowledged = Set<Int64>()
    var killedMidStream = 0
    for round in 0..<200 {
      let child = try RecorderChild(directory: directory, count: 100000)
      // Let it commit a few attempts (or none), then land the signal somewhere inside the next ones.
      let waitFor = Int.random(in: 0...6, using: &generator)
      var ids = waitFor == 0 ? [] : child.readAcknowledgedIDs(limit: waitFor)
      usleep(UInt32.random(in: 0...4_000, using: &generator))
      let pid = child.process.processIdentifier
      try syscall("kill", "\(pid)") { kill(pid, SIGKILL) }
      child.process.waitUntilExit()
      ids += child.readAcknowledgedIDs()
      if child.process.terminationReason == .uncaughtSignal { killedMidStream += 1 }
      acknowledged.formUnion(ids)

      let store = try ProgressStore(directory: directory)
      try #require(try store.integrityCheck() == "ok", "round \(round)")
      let stored = try store.attempts(lesson: RecorderChild.lesson)
      try #require(stored.allSatisfy { $0.outcomes.count == 5 }, "a half-recorded attempt after round \(round)")
      let storedIDs = Set(stored.map(\.id))
      try #require(acknowledged.isSubset(of: storedIDs), "an acknowledged attempt was lost in round \(round)")
    }
    #expect(killedMidStream == 200, "every round must end by the signal, not by the writer finishing")
  }
}
