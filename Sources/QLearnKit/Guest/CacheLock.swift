import Foundation

/// An exclusive `flock` on a file in the cache, held while one qlearn process fills a cache entry.
///
/// Entries are built in a private temporary directory and renamed into place, so readers never see half an entry;
/// the lock only stops two processes from downloading the same 70 MB package at once. The kernel drops the lock when
/// the process dies, so a crash leaves no stale lock behind.
enum CacheLock {
  /// Runs `body` while holding the lock at `url`.
  static func withLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
    let lock = try FileLock(url, wait: true)
    defer { withExtendedLifetime(lock) {} }
    return try body()
  }
}
