import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct ProgressConcurrencyTests {
  /// Two stores (two connections) on one file, each writing from its own thread: SQLite's locks and the busy
  /// timeout must serialise them without an error or a lost attempt.
  @Test func twoStoresOnOneFileLoseNothing() throws {
    let directory = try progressTestDirectory()
    let stores = [try ProgressStore(directory: directory), try ProgressStore(directory: directory)]
    let perWriter = 150
    let results = ConcurrentResults()
    DispatchQueue.concurrentPerform(iterations: stores.count) { writer in
      for index in 0..<perWriter {
        do {
          let id = try stores[writer].recordAttempt(
            lesson: "race", step: "writer-\(writer)", startedAt: Date(), outcomes: progressSampleOutcomes(index))
          results.add(id: id)
        } catch {
          results.add(error: "\(error)")
        }
      }
    }
    #expect(results.errors.isEmpty, "\(results.errors.prefix(3))")
    #expect(Set(results.ids).count == 2 * perWriter)
    let reopened = try ProgressStore(directory: directory)
    let attempts = try reopened.attempts(lesson: "race")
    #expect(Set(attempts.map(\.id)) == Set(results.ids))
    #expect(attempts.allSatisfy { $0.outcomes.count == 5 })
    let progress = try reopened.progress(lesson: "race", steps: ["writer-0", "writer-1"])
    #expect(progress.steps.map(\.attempts) == [perWriter, perWriter])
  }

  /// One store shared by many tasks: the store's lock keeps each transaction's statements together.
  @Test func oneStoreSharedByTasks() async throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
      for task in 0..<4 {
        group.addTask {
          var ids: [Int64] = []
          for index in 0..<40 {
            ids.append(
              try store.recordAttempt(
                lesson: "tasks", step: "t\(task)", startedAt: Date(), outcomes: progressSampleOutcomes(index)))
            try store.recordEvent(lesson: "tasks", step: "t\(task)", kind: .hint)
          }
          return ids
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(Set(ids).count == 160)
    let progress = try store.progress(lesson: "tasks", steps: (0..<4).map { "t\($0)" })
    #expect(progress.steps.map(\.attempts) == [40, 40, 40, 40])
    #expect(progress.steps.map(\.hintsRevealed) == [40, 40, 40, 40])
  }
}

/// Ids and errors gathered from several threads.
final class ConcurrentResults: @unchecked Sendable {
  // @unchecked: every field is touched only under `lock`.
  private let lock = NSLock()
  private var _ids: [Int64] = []
  private var _errors: [String] = []

  func add(id: Int64) { lock.withLock { _ids.append(id) } }
  func add(error: String) { lock.withLock { _errors.append(error) } }
  var ids: [Int64] { lock.withLock { _ids } }
  var errors: [String] { lock.withLock { _errors } }
}
