import CSQLite
import Foundation

/// A value bound to a statement parameter, in the storage classes qlearn uses.
enum SQLiteValue: Sendable, Equatable {
  case integer(Int64)
  case real(Double)
  case text(String)
  case null
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before `bind` returns, so Swift strings need not outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement. Not Sendable: it lives and dies inside one ``SQLiteDatabase`` lock scope.
final class SQLiteStatement {
  private let handle: OpaquePointer
  private let connection: SQLiteConnection
  let sql: String

  init(connection: SQLiteConnection, sql: String) throws(SQLiteError) {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v2(connection.handle, sql, -1, &statement, nil)
    guard code == SQLITE_OK, let statement else {
      sqlite3_finalize(statement)
      throw connection.error(code, "preparing \(sql)")
    }
    self.handle = statement
    self.connection = connection
    self.sql = sql
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds `values` to parameters 1...n, after clearing earlier bindings and resetting the statement.
  func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
      case .real(let number): code = sqlite3_bind_double(handle, index, number)
      case .text(let string): code = sqlite3_bind_text(handle, index, string, Int32(string.utf8.count), transient)
      case .null: code = sqlite3_bind_null(handle, index)
      }
      guard code == SQLITE_OK else { throw connection.error(code, "binding parameter \(index) of \(sql)") }
    }
  }

  /// Advances one row: `true` if a row is available, `false` when the statement is done.
  func step() throws(SQLiteError) -> Bool {
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      sqlite3_reset(handle)
      throw connection.error(code, "running \(sql)")
    }
  }

  func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
  func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
  func bool(_ column: Int32) -> Bool { sqlite3_column_int64(handle, column) != 0 }
  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

  func text(_ column: Int32) -> String {
    guard let bytes = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }
}
