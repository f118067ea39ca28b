import Foundation

/// The session folder must hold what a guest may write into it: its disks (sparse images that the guest can fill) and
/// file-backed memory. Checked before any of it is created, so a full file system is said plainly, not met halfway.
public enum SessionSpace {
  /// What `machine` may take in its session folder: every disk's size, every file backend's, and 16 MB for logs.
  public static func needed(for machine: Machine) -> UInt64 {
    machine.disks.reduce(UInt64(16 << 20)) { $0 + $1.size.bytes }
      + machine.memoryBackends.filter { $0.kind == .file }.reduce(UInt64(0)) { $0 + $1.size.bytes }
  }

  public static func require(
    for machine: Machine, at folder: URL, available: (URL) -> UInt64? = DiskSpace.available(at:)
  ) throws {
    let needed = needed(for: machine)
    guard let free = available(folder), free < needed else { return }
    throw SessionSpaceError(path: folder.path, needed: needed, free: free)
  }
}

/// The runtime folder cannot hold a lesson's disks and memory files.
public struct SessionSpaceError: Error, LocalizedError, Equatable {
  public var path: String
  public var needed: UInt64
  public var free: UInt64

  public var errorDescription: String? {
    "Not enough free space for the lesson's disks and memory files in \(path): the guest may write up to "
      + "\(DiskSpace.megabytes(needed)) there, and \(DiskSpace.megabytes(free)) are free. Nothing was started."
  }

  public var recoverySuggestion: String? {
    "Free some space there, or point QLEARN_RUNTIME_DIR at a file system with room "
      + "(e.g. `export QLEARN_RUNTIME_DIR=/var/tmp/qlearn-run`), then start again."
  }
}
