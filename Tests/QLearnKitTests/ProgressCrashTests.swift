import Foundation
import Testing

@testable import QLearnKit

/// The built `qlearn` executable, which `swift build`/`swift test` put beside the test bundle.
func qlearnExecutableURL(testFile: String = #filePath) throws -> URL {
  var starts = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments.first ?? "")]
  if let executable = Bundle.main.executableURL { starts.append(executable) }
  for start in starts {
    var directory = start.resolvingSymlinksInPath()
    for _ in 0..<2 {
      let candidate = directory.appendingPathComponent("qlearn")
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
      directory.deleteLastPathComponent()
    }
  }
  // Tests/QLearnKitTests/<file> -> package root.
  let root = URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  let fallback = root.appendingPathComponent(".build/debug/qlearn")
  guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
    throw QlearnChild.NotBuilt(searched: starts.map(\.path) + [fallback.path])
  }
  return fallback
}

/// A running `qlearn` child whose stdout is read line by line for `saved <id>` acknowledgements.
final class QlearnChild {
  struct NotBuilt: Error, CustomStringConvertible {
    var searched: [String]
    var description: String { "qlearn executable not found (run `swift build` first); looked in \(searched)" }
  }

  let process = Process()
  private let output = Pipe()
  private let errorFile: URL
  private var buffer = Data()
  private var finished = false

  init(arguments: [String]) throws {
    errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-child-\(UUID().uuidString).err")
    guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorFile.path])
    }
    process.executableURL = try qlearnExecutableURL()
    process.arguments = arguments
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  deinit { try? FileManager.default.removeItem(at: errorFile) }

  /// The next complete line, or `nil` at end of output (the child exited or was killed).
  func nextLine() -> String? {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex...newline)
        return line
      }
      if finished { return nil }
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { finished = true } else { buffer.append(chunk) }
    }
  }

  /// Reads `saved <id>` lines until `limit` of them or end of output. A trailing partial line is not an
  /// acknowledgement: the child may have died in the middle of writing it.
  func readAcknowledgedIDs(limit: Int = .max) -> [Int64] {
    var ids: [Int64] = []
    while ids.count < limit, let line = nextLine() {
      if line.hasPrefix("saved "), let id = Int64(line.dropFirst(6)) { ids.append(id) }
    }
    return ids
  }

  func standardError() -> String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
}

@Suite struct ProgressCrashTests {
  /// SIGKILLs a `qlearn _debug-record` child while it commits attempts, three times on one file, and checks that
  /// every attempt it acknowledged survived with all five results and that SQLite finds the file intact.
  @Test func killedWriterLosesNoAcknowledgedAttempt() throws {
    let directory = try progressTestDirectory()
    var acknowledged: [Int64] = []
    for (round, killAfter) in [150, 200, 250, 300, 350].enumerated() {
      let child = try QlearnChild(arguments: [
        "_debug-record", "--data-dir", directory.path, "--count", "100000",
      ])
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
      let stored = try store.attempts(lesson: "debug-record")
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
      let child = try QlearnChild(arguments: ["_debug-record", "--data-dir", directory.path, "--count", "100000"])
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
      let stored = try store.attempts(lesson: "debug-record")
      try #require(stored.allSatisfy { $0.outcomes.count == 5 }, "a half-recorded attempt after round \(round)")
      let storedIDs = Set(stored.map(\.id))
      try #require(acknowledged.isSubset(of: storedIDs), "an acknowledged attempt was lost in round \(round)")
    }
    #expect(killedMidStream == 200, "every round must end by the signal, not by the writer finishing")
  }
}
