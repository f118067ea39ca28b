import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One `qlearn start` per lesson at a time: an exclusive, non-blocking `flock` on `<runtime>/locks/<lesson>.lock`, held
/// from the check for a running VM until the boot succeeded or failed. A second start of the same lesson meanwhile is
/// refused at once with ``LaunchError/startInProgress(lesson:)`` instead of racing for the session folder and its disk
/// images. The kernel drops the lock when its process dies, so a killed start leaves nothing behind.
public final class SessionStartLock: @unchecked Sendable {
  private let descriptor: Int32

  public init(lesson: String, paths: Paths) throws {
    let folder = paths.runtime.appendingPathComponent("locks")
    try Paths.ensureDirectory(folder)
    let url = folder.appendingPathComponent("\(lesson).lock")
    descriptor = try syscall("open", url.path) { open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
    do {
      try syscall("flock", url.path) { flock(descriptor, LOCK_EX | LOCK_NB) }
    } catch let error where error.errno == EWOULDBLOCK {
      close(descriptor)
      throw LaunchError.startInProgress(lesson: lesson)
    } catch {
      close(descriptor)
      throw error
    }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
