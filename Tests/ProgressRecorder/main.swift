// progress-recorder DIRECTORY COUNT LESSON: records COUNT synthetic attempts into the progress database in DIRECTORY
// as fast as it can, printing `saved <id>` after each commit. A test helper, not part of qlearn: the crash tests
// SIGKILL it mid-write and then check that every acknowledged attempt survived whole and that the database is intact.
import Foundation
import QLearnKit

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 3, let count = Int(arguments[2]), count >= 0 else {
  FileHandle.standardError.write(Data("usage: progress-recorder DIRECTORY COUNT LESSON\n".utf8))
  exit(2)
}
let store = try ProgressStore(directory: URL(fileURLWithPath: arguments[1]))
for index in 0..<count {
  let outcomes = (0..<5).map { position in
    CheckOutcome(
      name: "check-\(position)", passed: position != 4 || index % 2 == 0, expected: "value \(index)",
      actual: "value \(index + position % 2)", message: "attempt \(index), check \(position)")
  }
  let id = try store.recordAttempt(
    lesson: arguments[3], step: "step-\(index % 7)", startedAt: Date(), outcomes: outcomes)
  // FileHandle writes straight to fd 1 (no stdio buffer): the line is out before the next attempt begins.
  FileHandle.standardOutput.write(Data("saved \(id)\n".utf8))
}
