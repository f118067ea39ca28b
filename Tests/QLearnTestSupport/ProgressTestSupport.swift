import Foundation
import QLearnKit

/// A fresh directory under the system temp dir for one test's progress database.
public func progressTestDirectory(_ name: String = #function) throws -> URL {
  let base = FileManager.default.temporaryDirectory
    .appendingPathComponent("qlearn-progress-tests-\(getpid())", isDirectory: true)
  let safe = name.filter { $0.isLetter || $0.isNumber }
  let directory = base.appendingPathComponent("\(safe)-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
  return directory
}

/// Five outcomes like a grader's, varied so that a lost or reordered column would show.
public func progressSampleOutcomes(_ tag: Int, allPass: Bool = true) -> [CheckOutcome] {
  (0..<5).map { position in
    CheckOutcome(
      name: "check-\(position)", passed: allPass || position != 2, expected: "exp \(tag).\(position)",
      actual: "act \(tag).\(position)", message: "msg \(tag).\(position)")
  }
}
