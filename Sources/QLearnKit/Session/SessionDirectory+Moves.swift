import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A session folder can move while its supervisor runs: the warm pool boots a guest in a pool slot and `qlearn start`
/// renames the slot to the lesson's session folder. The supervisor works in its folder, and a process's working
/// directory follows a rename, so `/proc/PID/cwd` says where the folder is now.
extension SessionDirectory {
  /// Where process `pid` works, resolved by the kernel (nil when unreadable or its folder was removed).
  static func workingFolder(of pid: Int32) -> String? {
    guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
      !path.hasSuffix(" (deleted)")
    else { return nil }
    return path
  }

  /// Whether `pid` works in this folder (a supervisor whose folder was moved here).
  func isWorkingFolder(of pid: Int32) -> Bool {
    guard let folder = Self.workingFolder(of: pid) else { return false }
    return folder == url.resolvingSymlinksInPath().path
  }

  /// For the supervisor itself: work in the session folder so that its moves can be followed.
  func enter() {
    let path = url.path
    _ = try? syscall("chdir", path) { chdir(path) }
  }

  /// For the supervisor itself: its session folder wherever it is now (this one if it was never moved).
  func followingMoves() -> SessionDirectory {
    Self.workingFolder(of: getpid()).map { SessionDirectory(url: URL(fileURLWithPath: $0)) } ?? self
  }
}
