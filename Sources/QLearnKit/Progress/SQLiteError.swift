import CSQLite
import Foundation

/// A failed SQLite call: which database, what qlearn was doing, and SQLite's own code and message.
///
/// The path is part of every error because a learner may have several data directories (tests, `QLEARN_DATA_DIR`,
/// XDG); "database is locked" alone does not say which file to look at.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The database file.
  public let path: String
  /// SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`, ...).
  public let code: Int32
  /// SQLite's message for the failure (`sqlite3_errmsg`).
  public let message: String
  /// What qlearn was doing, e.g. "opening" or "running BEGIN IMMEDIATE".
  public let operation: String

  public init(path: String, code: Int32, message: String, operation: String) {
    self.path = path
    self.code = code
    self.message = message
    self.operation = operation
  }

  /// The primary result code, without the extended bits: what the recovery advice depends on.
  public var primaryCode: Int32 { code & 0xff }

  public var description: String {
    "SQLite error in \(path) while \(operation): \(message) (code \(code))"
  }
}

extension SQLiteError: LocalizedError {
  public var errorDescription: String? { description }

  public var recoverySuggestion: String? {
    switch primaryCode {
    case SQLITE_BUSY, SQLITE_LOCKED:
      return "Another qlearn process is holding the progress database; finish or close it, then try again."
    case SQLITE_CORRUPT, SQLITE_NOTADB:
      return "The file is damaged or is not a qlearn progress database. Move it aside; qlearn creates a new, empty one."
    case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH:
      return "Check that the directory and file exist and are writable by you, or choose another with --data-dir."
    case SQLITE_FULL:
      return "The disk is full; free some space and try again."
    case SQLITE_IOERR:
      return "The disk reported an I/O error; check the file system (dmesg) before trying again."
    default:
      return "Run `sqlite3 '\(path)' 'PRAGMA integrity_check'` to inspect the file."
    }
  }
}

extension ProgressStoreError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .newerSchema(let path, let found, let supported):
      return "The progress database \(path) has schema version \(found), but this qlearn knows only up to "
        + "version \(supported); it was left untouched."
    case .journalModeRefused(let path, let mode):
      return "The progress database \(path) could not use write-ahead logging (journal mode is '\(mode)')."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .newerSchema:
      return "Upgrade qlearn to the version that wrote it, or pass --data-dir to use another directory."
    case .journalModeRefused:
      return "Put the data directory on a local file system (pass --data-dir or set QLEARN_DATA_DIR)."
    }
  }
}
