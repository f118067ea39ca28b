import CSQLite
import Foundation

/// Failures of the progress store that are not SQLite errors but decisions qlearn makes about the file.
public enum ProgressStoreError: Error, Sendable, Equatable {
  /// The database was written by a newer qlearn whose schema this one does not know; it is left untouched.
  case newerSchema(path: String, found: Int32, supported: Int32)
  /// SQLite refused write-ahead logging (e.g. on a network file system), without which a crash could lose attempts.
  case journalModeRefused(path: String, mode: String)
}
