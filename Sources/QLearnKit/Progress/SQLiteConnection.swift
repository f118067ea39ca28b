import CSQLite
import Foundation

/// One open SQLite connection. Not Sendable: only ``SQLiteDatabase`` hands it out, under its lock, so that a
/// transaction's statements are never interleaved with another thread's.
final class SQLiteConnection {
  let handle: OpaquePointer
  let path: String

  /// Opens (creating if needed) the database at `path` in serialized-threading mode with extended result codes.
  init(path: String) throws(SQLiteError) {
    var database: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
    let code = sqlite3_open_v2(path, &database, flags, nil)
    guard code == SQLITE_OK, let database else {
      let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
      sqlite3_close_v2(database)
      throw SQLiteError(path: path, code: code, message: message, operation: "opening")
    }
    sqlite3_extended_result_codes(database, 1)
    self.handle = database
    self.path = path
  }

  deinit { sqlite3_close_v2(handle) }

  /// The error for a failed call on this connection, with SQLite's message when it still describes `code`.
  func error(_ code: Int32, _ operation: String) -> SQLiteError {
    let current = sqlite3_extended_errcode(handle)
    let message =
      (current == code || current & 0xff == code & 0xff)
      ? String(cString: sqlite3_errmsg(handle)) : String(cString: sqlite3_errstr(code))
    return SQLiteError(path: path, code: code, message: message, operation: operation)
  }

  /// Runs one or more statements that take no parameters and whose rows, if any, are not needed.
  func execute(_ sql: String) throws(SQLiteError) {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    let message = errorMessage.map { String(cString: $0) }
    sqlite3_free(errorMessage)
    guard code == SQLITE_OK else {
      let failure = error(code, "running \(sql)")
      throw SQLiteError(path: path, code: code, message: message ?? failure.message, operation: failure.operation)
    }
  }

  /// Prepares, binds and steps `sql` to completion, for INSERT/UPDATE/DELETE.
  func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
    let statement = try SQLiteStatement(connection: self, sql: sql)
    try statement.bind(values)
    while try statement.step() {}
  }

  /// Prepares, binds and collects every row of `sql` through `row`.
  func query<Row>(
    _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws(SQLiteError) -> Row
  ) throws(SQLiteError) -> [Row] {
    let statement = try SQLiteStatement(connection: self, sql: sql)
    try statement.bind(values)
    var rows: [Row] = []
    while try statement.step() { rows.append(try row(statement)) }
    return rows
  }

  /// The first column of the first row of `sql`, as text (for PRAGMAs that answer one value).
  func scalarText(_ sql: String) throws(SQLiteError) -> String? {
    try query(sql) { $0.text(0) }.first
  }

  var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// The schema version qlearn keeps in the file header (`PRAGMA user_version`).
  var userVersion: Int32 {
    get throws(SQLiteError) { Int32(truncatingIfNeeded: try query("PRAGMA user_version") { $0.int64(0) }.first ?? 0) }
  }

  /// Runs `body` in one transaction and returns only after COMMIT succeeded; any error rolls everything back.
  ///
  /// Writers pass `immediate: true` so the write lock is taken at BEGIN, where the busy timeout applies; a deferred
  /// transaction that upgrades from read to write can fail with `SQLITE_BUSY` at once, without waiting.
  func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
    try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
      throw error
    }
  }
}
