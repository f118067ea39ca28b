import CSQLite
import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

private let t0 = Date(timeIntervalSince1970: 1_750_000_000)

@Suite struct ProgressStoreTests {
  @Test func freshDatabaseIsMigratedAndDurable() throws {
    let directory = try progressTestDirectory().appendingPathComponent("nested/data")
    let store = try ProgressStore(directory: directory)
    #expect(store.databaseURL == directory.appendingPathComponent("progress.db"))
    #expect(try store.schemaVersion == ProgressSchema.latestVersion)
    #expect(ProgressSchema.latestVersion >= 1)
    #expect(try store.pragma("journal_mode") == "wal")
    #expect(try store.pragma("synchronous") == "2")  // FULL
    #expect(try store.pragma("foreign_keys") == "1")
    #expect(try store.pragma("busy_timeout") == "5000")
    #expect(try store.integrityCheck() == "ok")

    let directoryMode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
    let fileMode = try FileManager.default.attributesOfItem(atPath: store.databaseURL.path)[.posixPermissions] as? Int
    #expect(directoryMode == 0o700)
    #expect(fileMode == 0o600)

    let tables = try SQLiteConnection(path: store.databaseURL.path)
      .query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
        $0.text(0)
      }
    #expect(tables == ["attempts", "check_results", "events"])
  }

  @Test func migrationsApplyInOrderAndAFailedOneRollsBack() throws {
    let directory = try progressTestDirectory()
    let first = SchemaMigration(version: 1, sql: "CREATE TABLE t (a INTEGER);")
    let second = SchemaMigration(version: 2, sql: "ALTER TABLE t ADD COLUMN b TEXT; INSERT INTO t VALUES (1, 'x');")
    do {
      let store = try ProgressStore(directory: directory, migrations: [first])
      #expect(try store.schemaVersion == 1)
    }
    do {
      let store = try ProgressStore(directory: directory, migrations: [first, second])
      #expect(try store.schemaVersion == 2)
    }
    // The third creates a table, then fails: neither the table nor the version bump may remain.
    let broken = SchemaMigration(version: 3, sql: "CREATE TABLE u (x); INSERT INTO missing_table VALUES (1);")
    #expect(throws: SQLiteError.self) {
      _ = try ProgressStore(directory: directory, migrations: [first, second, broken])
    }
    let connection = try SQLiteConnection(path: directory.appendingPathComponent("progress.db").path)
    #expect(try connection.userVersion == 2)
    #expect(try connection.query("SELECT name FROM sqlite_master WHERE name = 'u'") { $0.text(0) }.isEmpty)
    #expect(try connection.query("SELECT a, b FROM t") { "\($0.int64(0)) \($0.text(1))" } == ["1 x"])
  }

  @Test func reopeningKeepsData() throws {
    let directory = try progressTestDirectory()
    var ids: [Int64] = []
    do {
      let store = try ProgressStore(directory: directory)
      ids.append(try store.recordAttempt(lesson: "l", step: "s1", startedAt: t0, outcomes: progressSampleOutcomes(1)))
      ids.append(
        try store.recordAttempt(
          lesson: "l", step: "s2", startedAt: t0, outcomes: progressSampleOutcomes(2, allPass: false)))
      try store.recordEvent(lesson: "l", step: "s2", kind: .hint, detail: "1")
    }
    let store = try ProgressStore(directory: directory)
    let attempts = try store.attempts(lesson: "l")
    #expect(attempts.map(\.id) == ids)
    #expect(attempts.map(\.step) == ["s1", "s2"])
    #expect(attempts.map(\.passed) == [true, false])
    #expect(attempts.map(\.outcomes) == [progressSampleOutcomes(1), progressSampleOutcomes(2, allPass: false)])
    #expect(try store.hintsRevealed(lesson: "l", step: "s2") == 1)
    #expect(try store.integrityCheck() == "ok")
  }

  @Test func refusesADatabaseFromANewerQlearnWithoutTouchingIt() throws {
    let directory = try progressTestDirectory()
    let url = directory.appendingPathComponent("progress.db")
    do {
      let store = try ProgressStore(directory: directory)
      try store.recordAttempt(lesson: "l", step: "s", startedAt: t0, outcomes: progressSampleOutcomes(1))
    }
    do {
      let connection = try SQLiteConnection(path: url.path)
      try connection.execute("PRAGMA user_version = 99")
    }
    let before = try Data(contentsOf: url)
    #expect(ProgressSchema.latestVersion < 99)
    #expect(throws: ProgressStoreError.newerSchema(path: url.path, found: 99, supported: ProgressSchema.latestVersion))
    {
      _ = try ProgressStore(directory: directory)
    }
    #expect(try Data(contentsOf: url) == before)
    do {
      _ = try ProgressStore(directory: directory)
    } catch let error as ProgressStoreError {
      let description = error.errorDescription ?? ""
      #expect(description.contains(url.path))
      #expect(description.contains("99"))
      #expect(error.recoverySuggestion != nil)
    }
  }

  @Test func aFileThatIsNotADatabaseIsReportedWithItsPath() throws {
    let directory = try progressTestDirectory()
    try Paths.ensureDirectory(directory)
    let url = directory.appendingPathComponent("progress.db")
    try Data(repeating: 0x41, count: 4096).write(to: url)
    do {
      _ = try ProgressStore(directory: directory)
      Issue.record("opening a non-database succeeded")
    } catch let error as SQLiteError {
      #expect(error.primaryCode == SQLITE_NOTADB)
      #expect(error.path == url.path)
      #expect(error.errorDescription?.contains(url.path) == true)
      #expect(error.errorDescription?.contains(error.message) == true)
      #expect(error.recoverySuggestion?.contains("Move it aside") == true)
    }
  }

  @Test func statesAreDerivedFromAttemptsAndEvents() throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    let lesson = "nvme-queues"
    try store.recordEvent(lesson: lesson, step: "started", kind: .start)
    try store.recordAttempt(
      lesson: lesson, step: "failing", startedAt: t0, outcomes: progressSampleOutcomes(1, allPass: false))
    try store.recordEvent(lesson: lesson, step: "skipThenPass", kind: .skip)
    try store.recordAttempt(
      lesson: lesson, step: "skipThenPass", startedAt: t0, outcomes: progressSampleOutcomes(2, allPass: false))
    try store.recordAttempt(lesson: lesson, step: "skipThenPass", startedAt: t0, outcomes: progressSampleOutcomes(3))
    try store.recordEvent(lesson: lesson, step: "skipped", kind: .skip)
    try store.recordAttempt(lesson: lesson, step: "passThenSkip", startedAt: t0, outcomes: progressSampleOutcomes(4))
    try store.recordEvent(lesson: lesson, step: "passThenSkip", kind: .skip)
    try store.recordAttempt(lesson: "other", step: "untouched", startedAt: t0, outcomes: progressSampleOutcomes(5))

    let steps = ["untouched", "started", "failing", "skipThenPass", "skipped", "passThenSkip"]
    let progress = try store.progress(lesson: lesson, steps: steps)
    #expect(progress.lesson == lesson)
    #expect(progress.steps.map(\.step) == steps)
    #expect(progress.steps.map(\.state) == [.notStarted, .inProgress, .inProgress, .passed, .skipped, .passed])
    #expect(progress.steps.map(\.attempts) == [0, 0, 1, 2, 0, 1])
    #expect(progress.steps[0].firstActivity == nil && progress.steps[0].timeSpent == 0)
    #expect(progress.steps[1].firstActivity != nil)
    #expect(progress.completedSteps == 3)
    #expect(!progress.isComplete)

    let done = try store.progress(lesson: lesson, steps: ["skipThenPass", "skipped", "passThenSkip"])
    #expect(done.isComplete && done.completedSteps == 3)
    #expect(!(try store.progress(lesson: lesson, steps: [])).isComplete)
    #expect(try store.lessonsWithActivity() == [lesson, "other"].sorted())
  }

  @Test func anAttemptPassesOnlyIfEveryCheckPassed() throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    var outcomes = progressSampleOutcomes(1)
    outcomes[4].passed = false
    try store.recordAttempt(lesson: "l", step: "s", startedAt: t0, outcomes: outcomes)
    #expect(try store.progress(lesson: "l", steps: ["s"]).steps[0].state == .inProgress)
    #expect(try store.attempts(lesson: "l").map(\.passed) == [false])
  }

  @Test func timeSpentSpansFirstToLastActivity() throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    try store.recordEvent(lesson: "l", step: "s", kind: .start, detail: "", at: t0)
    try store.recordEvent(lesson: "l", step: "s", kind: .hint, detail: "1", at: t0 + 30)
    try store.recordAttempt(
      lesson: "l", step: "s", startedAt: t0 + 40, finishedAt: t0 + 120, outcomes: progressSampleOutcomes(1))
    try store.recordEvent(lesson: "l", step: "s", kind: .answer, detail: "42", at: t0 + 90)
    let step = try store.progress(lesson: "l", steps: ["s"]).steps[0]
    #expect(step.firstActivity == t0)
    #expect(step.lastActivity == t0 + 120)
    #expect(step.timeSpent == 120)
    #expect(step.hintsRevealed == 1)
  }

  @Test func hintsAreCountedPerStep() throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    for number in 1...3 { try store.recordEvent(lesson: "l", step: "a", kind: .hint, detail: "\(number)") }
    try store.recordEvent(lesson: "l", step: "b", kind: .hint, detail: "1")
    try store.recordEvent(lesson: "other", step: "a", kind: .hint, detail: "1")
    try store.recordEvent(lesson: "l", step: "a", kind: .start)
    #expect(try store.hintsRevealed(lesson: "l", step: "a") == 3)
    #expect(try store.hintsRevealed(lesson: "l", step: "b") == 1)
    #expect(try store.hintsRevealed(lesson: "l", step: "c") == 0)
    let progress = try store.progress(lesson: "l", steps: ["a", "b", "c"])
    #expect(progress.steps.map(\.hintsRevealed) == [3, 1, 0])
    // Revealing hints is activity, not progress past the step.
    #expect(progress.steps.map(\.state) == [.inProgress, .inProgress, .notStarted])
  }

  @Test func resetForgetsOneLessonOnly() throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    try store.recordAttempt(lesson: "gone", step: "s", startedAt: t0, outcomes: progressSampleOutcomes(1))
    try store.recordEvent(lesson: "gone", step: "s", kind: .hint)
    try store.recordEvent(lesson: "gone", step: "t", kind: .skip)
    let kept = try store.recordAttempt(lesson: "kept", step: "s", startedAt: t0, outcomes: progressSampleOutcomes(2))
    try store.recordEvent(lesson: "kept", step: "s", kind: .hint)

    try store.reset(lesson: "gone")

    let gone = try store.progress(lesson: "gone", steps: ["s", "t"])
    #expect(gone.steps.map(\.state) == [.notStarted, .notStarted])
    #expect(try store.attempts(lesson: "gone").isEmpty)
    #expect(try store.hintsRevealed(lesson: "gone", step: "s") == 0)
    #expect(try store.lessonsWithActivity() == ["kept"])
    #expect(try store.attempts(lesson: "kept").map(\.id) == [kept])
    #expect(try store.hintsRevealed(lesson: "kept", step: "s") == 1)
    // The reset attempt's check results went with it (foreign key cascade); nothing else was recorded.
    let connection = try SQLiteConnection(path: store.databaseURL.path)
    #expect(try connection.query("SELECT COUNT(*) FROM check_results") { $0.int64(0) } == [5])
    #expect(try connection.query("SELECT COUNT(*) FROM events") { $0.int64(0) } == [1])
    #expect(try store.integrityCheck() == "ok")
  }

  @Test func textRoundTripsExactly() throws {
    let store = try ProgressStore(directory: try progressTestDirectory())
    let outcome = CheckOutcome(
      name: "nvme.queues 'count'", passed: true, expected: "", actual: "ünïcødé ✓\nline2\t\"q\"",
      message: "contains a NUL \u{0} byte")
    try store.recordAttempt(lesson: "l", step: "s", startedAt: t0, outcomes: [outcome])
    #expect(try store.attempts(lesson: "l").first?.outcomes == [outcome])
  }
}
