import Foundation

/// A SQLite connection shared between threads and tasks.
///
/// SQLite's own mutex (`SQLITE_OPEN_FULLMUTEX`) keeps single calls safe, but a transaction is several calls: the
/// lock here makes each ``read(_:)``/``write(_:)`` body exclusive on this connection, so one caller's BEGIN is never
/// followed by another caller's statements. Other processes are kept apart by SQLite's file locks and busy timeout.
final class SQLiteDatabase: @unchecked Sendable {
  // @unchecked: `connection` is touched only while `lock` is held.
  private let lock = NSLock()
  private let connection: SQLiteConnection

  var path: String { connection.path }

  init(path: String) throws(SQLiteError) {
    connection = try SQLiteConnection(path: path)
  }

  /// Runs `body` with the connection, outside any transaction (PRAGMAs that must not run inside one).
  func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(connection)
  }

  /// Runs `body` in one read transaction, so that several queries see one consistent snapshot.
  func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try withConnection { connection in try connection.transaction(immediate: false) { try body(connection) } }
  }

  /// Runs `body` in one write transaction; returns after COMMIT, i.e. after the data reached the disk
  /// (`synchronous=FULL`).
  func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try withConnection { connection in try connection.transaction(immediate: true) { try body(connection) } }
  }
}
