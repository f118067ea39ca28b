import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive `flock` on a file in the cache, held while one qlearn process fills a cache entry.
///
/// Entries are built in a private temporary directory and renamed into place, so readers never see half an entry;
/// the lock only stops two processes from downloading the same 70 MB package at once. The kernel drops the lock when
/// the process dies, so a crash leaves no stale lock behind.
final class CacheLock {
  private let descriptor: Int32

  init(_ url: URL) throws {
    try Paths.ensureDirectory(url.deletingLastPathComponent())
    descriptor = try syscall("open", url.path) { open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    do {
      try syscall("flock", url.path) { flock(descriptor, LOCK_EX) }
    } catch {
      close(descriptor)
      throw error
    }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }

  /// Runs `body` while holding the lock at `url`.
  static func withLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
    let lock = try CacheLock(url)
    defer { withExtendedLifetime(lock) {} }
    return try body()
  }
}
