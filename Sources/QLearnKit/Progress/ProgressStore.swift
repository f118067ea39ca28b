import CSQLite
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The learner's progress: graded attempts and step events in `<data dir>/progress.db`, with state derived from them.
///
/// The store records facts and knows nothing of QEMU or lesson files; callers pass the lesson's step ids when they ask
/// for progress. Every write returns only after SQLite's COMMIT, with WAL and `synchronous=FULL`, so an attempt the
/// learner was told is saved survives a crash or power loss. One connection per store, guarded by a lock, so a store
/// may be shared between tasks; several stores (or processes) on one file wait for each other up to 5 s.
public final class ProgressStore: Sendable {
  /// The database file's name inside the data directory.
  public static let fileName = "progress.db"
  /// How long a write waits for another connection's transaction before failing with `SQLITE_BUSY`.
  static let busyTimeoutMilliseconds = 5_000

  public let databaseURL: URL
  private let database: SQLiteDatabase

  /// Opens the store in `directory` (created with mode 0700 if missing), creating and migrating the database.
  ///
  /// Throws ``ProgressStoreError/newerSchema(path:found:supported:)`` without writing to a file from a newer qlearn.
  public convenience init(directory: URL) throws {
    try self.init(directory: directory, migrations: ProgressSchema.migrations)
  }

  init(directory: URL, migrations: [SchemaMigration]) throws {
    try Paths.ensureDirectory(directory)
    databaseURL = directory.appendingPathComponent(Self.fileName)
    let path = databaseURL.path
    try Self.createPrivately(path)
    database = try SQLiteDatabase(path: path)
    try database.withConnection { connection in
      try connection.execute("PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)")
      // Refuse a newer file before anything (even the journal mode) is written to it.
      let supported = migrations.last?.version ?? 0
      let found = try connection.userVersion
      if found > supported {
        throw ProgressStoreError.newerSchema(path: path, found: found, supported: supported)
      }
      let mode = try connection.scalarText("PRAGMA journal_mode = WAL") ?? ""
      guard mode.lowercased() == "wal" else { throw ProgressStoreError.journalModeRefused(path: path, mode: mode) }
      try connection.execute("PRAGMA synchronous = FULL")
      try connection.execute("PRAGMA foreign_keys = ON")
      try ProgressSchema.migrate(connection, migrations: migrations)
    }
  }

  /// Creates an empty database file readable by the owner only (SQLite would use the umask, typically 0644, and
  /// gives its -wal and -shm files the main file's mode). An empty file is a valid empty database.
  private static func createPrivately(_ path: String) throws {
    let fd = try syscall("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    try closeOnce(fd, path)
  }

  // MARK: Writing

  /// Records one graded attempt with its check results in one transaction and returns its id after COMMIT.
  ///
  /// The attempt passed if every outcome passed (a step with no checks passes when attempted). Its finish time is now.
  @discardableResult
  public func recordAttempt(lesson: String, step: String, startedAt: Date, outcomes: [CheckOutcome]) throws -> Int64 {
    try recordAttempt(lesson: lesson, step: step, startedAt: startedAt, finishedAt: Date(), outcomes: outcomes)
  }

  /// As ``recordAttempt(lesson:step:startedAt:outcomes:)`` with a given finish time (tests build histories with it).
  @discardableResult
  func recordAttempt(
    lesson: String, step: String, startedAt: Date, finishedAt: Date, outcomes: [CheckOutcome]
  ) throws -> Int64 {
    let passed = outcomes.allSatisfy(\.passed)
    return try database.write { connection in
      try connection.run(
        "INSERT INTO attempts (lesson, step, started_at, finished_at, passed) VALUES (?, ?, ?, ?, ?)",
        [
          .text(lesson), .text(step), .real(startedAt.timeIntervalSince1970),
          .real(finishedAt.timeIntervalSince1970), .integer(passed ? 1 : 0),
        ])
      let id = connection.lastInsertRowID
      let insert = try SQLiteStatement(
        connection: connection,
        sql: """
          INSERT INTO check_results (attempt_id, position, check_name, passed, expected, actual, message)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """)
      for (position, outcome) in outcomes.enumerated() {
        try insert.bind([
          .integer(id), .integer(Int64(position)), .text(outcome.name), .integer(outcome.passed ? 1 : 0),
          .text(outcome.expected), .text(outcome.actual), .text(outcome.message),
        ])
        while try insert.step() {}
      }
      return id
    }
  }

  /// Records that the learner started a step, revealed a hint, skipped, or answered a question; returns after COMMIT.
  public func recordEvent(lesson: String, step: String, kind: ProgressEventKind, detail: String = "") throws {
    try recordEvent(lesson: lesson, step: step, kind: kind, detail: detail, at: Date())
  }

  /// As ``recordEvent(lesson:step:kind:detail:)`` at a given time (tests build histories with it).
  func recordEvent(lesson: String, step: String, kind: ProgressEventKind, detail: String, at: Date) throws {
    try database.write { connection in
      try connection.run(
        "INSERT INTO events (lesson, step, kind, detail, at) VALUES (?, ?, ?, ?, ?)",
        [.text(lesson), .text(step), .text(kind.rawValue), .text(detail), .real(at.timeIntervalSince1970)])
    }
  }

  /// Forgets everything about `lesson` (attempts, their results, events) in one transaction, and records nothing.
  public func reset(lesson: String) throws {
    try database.write { connection in
      // check_results go with their attempts (ON DELETE CASCADE, foreign keys are on).
      try connection.run("DELETE FROM attempts WHERE lesson = ?", [.text(lesson)])
      try connection.run("DELETE FROM events WHERE lesson = ?", [.text(lesson)])
    }
  }

  // MARK: Reading

  /// How many hints the learner revealed on the step (one `hint` event per hint).
  public func hintsRevealed(lesson: String, step: String) throws -> Int {
    try database.read { connection in
      let counts = try connection.query(
        "SELECT COUNT(*) FROM events WHERE lesson = ? AND step = ? AND kind = 'hint'", [.text(lesson), .text(step)]
      ) { Int($0.int64(0)) }
      return counts.first ?? 0
    }
  }

  /// The learner's progress on `lesson`, one entry per id in `steps` (the lesson's steps in order); activity on
  /// steps not in the list is ignored.
  public func progress(lesson: String, steps: [String]) throws -> LessonProgress {
    let facts = try database.read { connection in try Self.stepFacts(connection, lesson: lesson) }
    return LessonProgress(lesson: lesson, steps: steps.map { (facts[$0] ?? StepFacts()).derive(step: $0) })
  }

  private static func stepFacts(_ connection: SQLiteConnection, lesson: String) throws -> [String: StepFacts] {
    var facts: [String: StepFacts] = [:]
    let attemptRows = try connection.query(
      """
      SELECT step, COUNT(*), SUM(passed), MIN(MIN(started_at, finished_at)), MAX(MAX(started_at, finished_at))
      FROM attempts WHERE lesson = ? GROUP BY step
      """, [.text(lesson)]
    ) { ($0.text(0), Int($0.int64(1)), Int($0.int64(2)), $0.date(3), $0.date(4)) }
    for (step, count, passing, first, last) in attemptRows {
      facts[step, default: StepFacts()].attempts = count
      facts[step, default: StepFacts()].passingAttempts = passing
      facts[step, default: StepFacts()].noteActivity(first: first, last: last)
    }
    let eventRows = try connection.query(
      "SELECT step, kind, COUNT(*), MIN(at), MAX(at) FROM events WHERE lesson = ? GROUP BY step, kind",
      [.text(lesson)]
    ) { ($0.text(0), $0.text(1), Int($0.int64(2)), $0.date(3), $0.date(4)) }
    for (step, kind, count, first, last) in eventRows {
      switch ProgressEventKind(rawValue: kind) {
      case .hint: facts[step, default: StepFacts()].hints = count
      case .skip: facts[step, default: StepFacts()].skips = count
      case .ungraded: facts[step, default: StepFacts()].notGraded = count
      case .start, .answer, nil: break
      }
      facts[step, default: StepFacts()].noteActivity(first: first, last: last)
    }
    return facts
  }

  /// Lessons with at least one attempt or event, sorted by name.
  public func lessonsWithActivity() throws -> [String] {
    try database.read { connection in
      try connection.query("SELECT lesson FROM attempts UNION SELECT lesson FROM events ORDER BY lesson") {
        $0.text(0)
      }
    }
  }

  /// The lesson's attempts, oldest first, each with its check results in the order they were graded. `at` is when
  /// the attempt was graded (its finish time).
  public func attempts(lesson: String) throws -> [(
    id: Int64, step: String, at: Date, passed: Bool, outcomes: [CheckOutcome]
  )] {
    try database.read { connection in
      let rows = try connection.query(
        "SELECT id, step, finished_at, passed FROM attempts WHERE lesson = ? ORDER BY id", [.text(lesson)]
      ) { ($0.int64(0), $0.text(1), $0.date(2), $0.bool(3)) }
      let results = try connection.query(
        """
        SELECT r.attempt_id, r.check_name, r.passed, r.expected, r.actual, r.message
        FROM check_results r JOIN attempts a ON a.id = r.attempt_id
        WHERE a.lesson = ? ORDER BY r.attempt_id, r.position
        """, [.text(lesson)]
      ) {
        (
          $0.int64(0),
          CheckOutcome(
            name: $0.text(1), passed: $0.bool(2), expected: $0.text(3), actual: $0.text(4), message: $0.text(5))
        )
      }
      let outcomes = Dictionary(grouping: results, by: \.0).mapValues { $0.map(\.1) }
      return rows.map { (id: $0.0, step: $0.1, at: $0.2, passed: $0.3, outcomes: outcomes[$0.0] ?? []) }
    }
  }

  /// The outcome list of one attempt, or `nil` if no attempt has that id (the crash test looks ids up one by one).
  func outcomes(attemptID: Int64) throws -> [CheckOutcome]? {
    try database.read { connection in
      let exists = try connection.query("SELECT 1 FROM attempts WHERE id = ?", [.integer(attemptID)]) { _ in true }
      guard !exists.isEmpty else { return nil }
      return try connection.query(
        """
        SELECT check_name, passed, expected, actual, message FROM check_results
        WHERE attempt_id = ? ORDER BY position
        """, [.integer(attemptID)]
      ) {
        CheckOutcome(
          name: $0.text(0), passed: $0.bool(1), expected: $0.text(2), actual: $0.text(3), message: $0.text(4))
      }
    }
  }

  /// SQLite's `PRAGMA integrity_check`: "ok", or the problems found, one per line.
  public func integrityCheck() throws -> String {
    try database.withConnection { connection in
      try connection.query("PRAGMA integrity_check") { $0.text(0) }.joined(separator: "\n")
    }
  }

  /// The schema version of the open database.
  var schemaVersion: Int32 {
    get throws { try database.withConnection { try $0.userVersion } }
  }

  /// Reads a PRAGMA's value on this store's connection (tests check the durability settings with it).
  func pragma(_ name: String) throws -> String {
    try database.withConnection { try $0.scalarText("PRAGMA \(name)") ?? "" }
  }
}
