import Foundation

/// One step of the schema's history: applied in its own transaction, after which `PRAGMA user_version` is `version`.
struct SchemaMigration: Sendable {
  var version: Int32
  var sql: String
}

/// The progress schema, oldest first. Append only: a released migration is never edited, since learners' files were
/// already built by it. Completion is not a column anywhere: it is derived from attempts and events.
enum ProgressSchema {
  static let migrations: [SchemaMigration] = [
    SchemaMigration(
      version: 1,
      sql: """
        CREATE TABLE attempts (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          lesson      TEXT    NOT NULL,
          step        TEXT    NOT NULL,
          started_at  REAL    NOT NULL,
          finished_at REAL    NOT NULL,
          passed      INTEGER NOT NULL CHECK (passed IN (0, 1))
        );
        CREATE INDEX attempts_by_step ON attempts (lesson, step);
        CREATE TABLE check_results (
          attempt_id  INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
          position    INTEGER NOT NULL,
          check_name  TEXT    NOT NULL,
          passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
          expected    TEXT    NOT NULL,
          actual      TEXT    NOT NULL,
          message     TEXT    NOT NULL,
          PRIMARY KEY (attempt_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE events (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          lesson      TEXT    NOT NULL,
          step        TEXT    NOT NULL,
          kind        TEXT    NOT NULL CHECK (kind IN ('hint', 'skip', 'start', 'answer', 'reset')),
          detail      TEXT    NOT NULL DEFAULT '',
          at          REAL    NOT NULL
        );
        CREATE INDEX events_by_step ON events (lesson, step, kind);
        """),
    // 'ungraded': a `qlearn check` that could not reach the guest (or could not begin the next step) is kept as what it
    // was, neither a pass nor a fail. SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
    SchemaMigration(
      version: 2,
      sql: """
        CREATE TABLE events_v2 (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          lesson      TEXT    NOT NULL,
          step        TEXT    NOT NULL,
          kind        TEXT    NOT NULL CHECK (kind IN ('hint', 'skip', 'start', 'answer', 'reset', 'ungraded')),
          detail      TEXT    NOT NULL DEFAULT '',
          at          REAL    NOT NULL
        );
        INSERT INTO events_v2 (id, lesson, step, kind, detail, at) SELECT id, lesson, step, kind, detail, at FROM events;
        DROP TABLE events;
        ALTER TABLE events_v2 RENAME TO events;
        CREATE INDEX events_by_step ON events (lesson, step, kind);
        """),
  ]

  static var latestVersion: Int32 { migrations.last?.version ?? 0 }

  /// Brings the database up to the last of `migrations`, one transaction per migration.
  ///
  /// Each transaction re-reads the version after taking the write lock, so two qlearn processes opening a new file at
  /// once do not both apply a migration. A file from a newer qlearn is refused before anything is written.
  static func migrate(_ connection: SQLiteConnection, migrations: [SchemaMigration] = migrations) throws {
    let supported = migrations.last?.version ?? 0
    for migration in migrations {
      try connection.transaction(immediate: true) {
        let current = try connection.userVersion
        if current > supported {
          throw ProgressStoreError.newerSchema(path: connection.path, found: current, supported: supported)
        }
        guard current < migration.version else { return }
        try connection.execute(migration.sql)
        try connection.execute("PRAGMA user_version = \(migration.version)")
      }
    }
  }
}
