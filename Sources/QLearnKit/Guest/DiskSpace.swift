import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Free space on the file system of a cache folder, checked before qlearn writes tens or hundreds of megabytes there.
public enum DiskSpace {
  /// Bytes an unprivileged process may still write on the file system holding `url` (or its nearest existing parent).
  public static func available(at url: URL) -> UInt64? {
    var path = url
    while !FileManager.default.fileExists(atPath: path.path), path.path != "/" { path.deleteLastPathComponent() }
    var stats = statvfs()
    guard (try? syscall("statvfs", path.path) { statvfs(path.path, &stats) }) != nil else { return nil }
    return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
  }

  /// Throws ``CacheSpaceError/notEnough`` when fewer than `bytes` are free at `url`, before anything is written.
  public static func require(
    _ bytes: UInt64, at url: URL, for what: String, available: (URL) -> UInt64? = DiskSpace.available(at:)
  ) throws {
    guard let free = available(url), free < bytes else { return }
    throw CacheSpaceError.notEnough(path: url.path, what: what, needed: bytes, free: free)
  }

  /// `350 MB`, `1.2 GB`: sizes as a learner reads them.
  static func megabytes(_ bytes: UInt64) -> String {
    bytes >= 1_000_000_000 ? String(format: "%.1f GB", Double(bytes) / 1e9) : "\(max(bytes / 1_000_000, 1)) MB"
  }
}

/// The cache cannot take what qlearn must write there, said in the learner's terms (never a Cocoa error's text).
public enum CacheSpaceError: Error, LocalizedError, Equatable {
  case notEnough(path: String, what: String, needed: UInt64, free: UInt64)
  /// A write into the cache failed; `reason` is the system's (e.g. "No space left on device").
  case cannotWrite(path: String, what: String, reason: String)

  public var errorDescription: String? {
    switch self {
    case .notEnough(let path, let what, let needed, let free):
      "Not enough free space for \(what) in \(path): it needs about \(DiskSpace.megabytes(needed)), and "
        + "\(DiskSpace.megabytes(free)) are free there."
    case .cannotWrite(let path, let what, let reason):
      "qlearn could not write \(what) to \(path): \(reason)."
    }
  }

  public var recoverySuggestion: String? {
    "Free some space there, or point QLEARN_CACHE_DIR at a file system with room "
      + "(e.g. `export QLEARN_CACHE_DIR=/var/tmp/qlearn-cache`), then try again."
  }

  /// The same failure with the system's reason, from whatever Foundation threw while writing `path`; errors that are
  /// not about files (qlearn's own, a command that failed) are returned unchanged.
  static func wrapping(_ error: any Error, path: String, what: String) -> any Error {
    if error is CacheSpaceError { return error }
    if let system = error as? SystemError {
      return CacheSpaceError.cannotWrite(path: path, what: what, reason: system.reason)
    }
    let ns = error as NSError
    var code: Int32?
    if ns.domain == NSPOSIXErrorDomain { code = Int32(ns.code) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      code = Int32(underlying.code)
    }
    if code == nil, ns.domain == NSCocoaErrorDomain {
      switch ns.code {
      case NSFileWriteOutOfSpaceError: code = ENOSPC
      case NSFileWriteNoPermissionError: code = EACCES
      case NSFileWriteVolumeReadOnlyError: code = EROFS
      default: break
      }
    }
    guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return error }
    let reason = code.map { String(cString: strerror($0)) } ?? "the file system refused it"
    return CacheSpaceError.cannotWrite(path: path, what: what, reason: reason)
  }
}
