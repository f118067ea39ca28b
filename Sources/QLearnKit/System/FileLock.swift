import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive `flock` on a file, held for the lifetime of this object. The kernel drops it when the process dies, so
/// a crash leaves no stale lock behind.
final class FileLock: Sendable {  // immutable: one descriptor, released in deinit
  private let descriptor: Int32

  /// Takes the lock at `url` (creating the file and its folder), waiting for another holder unless `wait` is false;
  /// then a held lock throws `SystemError` with `EWOULDBLOCK`.
  init(_ url: URL, wait: Bool) throws {
    try Paths.ensureDirectory(url.deletingLastPathComponent())
    descriptor = try syscall("open", url.path) { open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    do {
      try syscall("flock", url.path) { flock(descriptor, wait ? LOCK_EX : LOCK_EX | LOCK_NB) }
    } catch {
      try? closeOnce(descriptor, url.path)
      throw error
    }
  }

  deinit {
    // Unlocking cannot fail on a descriptor this object owns, and closing releases the lock in any case.
    _ = try? syscall("flock", "lock") { flock(descriptor, LOCK_UN) }
    try? closeOnce(descriptor, "lock")
  }
}
