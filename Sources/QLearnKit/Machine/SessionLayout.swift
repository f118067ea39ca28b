import Foundation

/// The files of one session folder, named in this one place: QEMU's command line creates them, and the session,
/// console, monitor and grader open them.
public struct SessionLayout: Sendable, Equatable {
  public let folder: URL

  public init(folder: URL) { self.folder = folder }

  /// QMP for qlearn itself (grading, solutions, `status`).
  public var qmpSocket: URL { folder.appendingPathComponent("qmp.sock") }
  /// A second QMP socket for the learner's `qlearn monitor`: QEMU serves one client per socket, so grading never
  /// waits on a monitor the learner left open.
  public var monitorSocket: URL { folder.appendingPathComponent("monitor.sock") }
  public var agentSocket: URL { folder.appendingPathComponent("qga.sock") }
  public var consoleSocket: URL { folder.appendingPathComponent("console.sock") }
  public var consoleLog: URL { folder.appendingPathComponent("console.log") }

  /// A host log: `console`, or the log a device writes (`isa-debugcon`'s `log`).
  public func hostLog(_ name: String) -> URL {
    name == "console" ? consoleLog : folder.appendingPathComponent("log-\(name).log")
  }

  public func diskImage(_ disk: Disk) -> URL {
    folder.appendingPathComponent("disk-\(disk.id).\(disk.format.rawValue)")
  }

  public func backendFile(_ backend: MemoryBackend) -> URL {
    folder.appendingPathComponent("memory-\(backend.id).img")
  }
}
