import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One `qlearn start` per lesson at a time: an exclusive, non-blocking `flock` on `<runtime>/locks/<lesson>.lock`, held
/// from the check for a running VM until the boot succeeded or failed. A second start of the same lesson meanwhile is
/// refused at once with ``LaunchError/startInProgress(lesson:)`` instead of racing for the session folder and its disk
/// images. The kernel drops the lock when its process dies, so a killed start leaves nothing behind.
public final class SessionStartLock: Sendable {
  private let lock: FileLock

  public init(lesson: String, paths: Paths) throws {
    let url = paths.runtime.appendingPathComponent("locks").appendingPathComponent("\(lesson).lock")
    do {
      lock = try FileLock(url, wait: false)
    } catch let error as SystemError where error.errno == EWOULDBLOCK {
      throw LaunchError.startInProgress(lesson: lesson)
    }
  }
}
