import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension SessionDirectory {
  /// The command line the supervisor starts QEMU with on its next restart (then deletes).
  public var restartArgvFile: URL { url.appendingPathComponent("qemu-argv-restart.json") }
}

/// Brings a session's VM back to a ``Checkpoint``: a new QEMU with the same command line plus `-incoming defer` takes
/// the place of the running one (its supervisor restarts it, so the session folder, its record and its other
/// checkpoints stay), loads the saved state from the file through a descriptor passed with `getfd`
/// (`migrate-incoming uri=fd:`), and resumes as a pooled guest does when it is adopted: `cont`, then the agent
/// resynchronised and the guest clock set to the host's (it stood still in the file).
public struct CheckpointRestorer: Sendable {
  public let session: SessionDirectory
  /// How long loading the state may take.
  public var timeout: Duration = .seconds(60)

  public init(session: SessionDirectory) { self.session = session }

  var shelf: CheckpointShelf { CheckpointShelf(session: session) }

  /// Restores `checkpoint`; the caller has closed its own QMP and agent connections (the QEMU they lead to goes away).
  public func restore(_ checkpoint: Checkpoint) async throws {
    let folder = shelf.directory(of: checkpoint)
    let argv = try JSONDecoder().decode([String].self, from: Data(contentsOf: session.argvFile))
    try JSONEncoder().encode(Self.incomingArguments(argv)).write(to: session.restartArgvFile, options: .atomic)
    let record = try SessionResolver.running(session)
    // From here on the running QEMU is replaced: its disks are swapped under it just before it is killed.
    try placeDisks(from: folder)
    kill(record.supervisorPID, Supervisor.restartSignal)
    try await waitForNewQEMU(replacing: record.qemuPID)
    let qmp = try await QMPClient.connect(path: session.layout.qmpSocket.path, timeout: .seconds(10))
    do {
      try await load(folder.appendingPathComponent(Checkpoint.stateName), step: checkpoint.step, qmp: qmp)
      qmp.close()
    } catch {
      qmp.close()
      throw error
    }
    try await WarmPool.resume(session)
    try restoreBaseline(from: folder)
  }

  /// The same machine, waiting for its state (`-incoming defer`); the console log is appended to, not restarted.
  public static func incomingArguments(_ argv: [String]) -> [String] {
    argv.map { $0.contains(",logfile=") && !$0.contains("logappend=") ? $0 + ",logappend=on" : $0 }
      + ["-incoming", "defer"]
  }

  /// Rewrites the session's recorded command line after its folder moved from `old` (a pooled guest adopted into the
  /// lesson's folder): a restore starts QEMU again with it, and the sockets, disks and logs are in the new folder now.
  public static func relocateArgv(in session: SessionDirectory, from old: URL) throws {
    let argv = try JSONDecoder().decode([String].self, from: Data(contentsOf: session.argvFile))
    try JSONEncoder().encode(relocated(argv, from: old.path, to: session.url.path)).write(to: session.argvFile, options: .atomic)
  }

  /// `argv` with every path inside folder `old` moved into `new` (also as QEMU quotes it in `key=value` options).
  public static func relocated(_ argv: [String], from old: String, to new: String) -> [String] {
    let pairs = [(old + "/", new + "/"), (QEMUCommandLine.quote(old) + "/", QEMUCommandLine.quote(new) + "/")]
    return argv.map { argument in
      pairs.reduce(argument) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
  }

  /// Copies of the checkpoint's disks renamed over the session's: the old QEMU keeps writing to the files it has open
  /// until it is killed, and the new one opens the copies.
  private func placeDisks(from folder: URL) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("disk-") }
    for name in names {
      let staged = session.url.appendingPathComponent(".restore-" + name)
      try CheckpointSaver.copySparse(folder.appendingPathComponent(name), to: staged, lesson: session.lesson)
      try syscall("rename", staged.path) { rename(staged.path, session.url.appendingPathComponent(name).path) }
    }
  }

  /// Waits until the supervisor has recorded a QEMU other than `old` (it waits for the old one to die first).
  private func waitForNewQEMU(replacing old: Int32?) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
      let record = try SessionResolver.running(session)
      if let pid = record.qemuPID, pid != old, !FileManager.default.fileExists(atPath: session.restartArgvFile.path) {
        return
      }
      try await Task.sleep(for: .milliseconds(5))
    }
    throw CheckpointError.restartFailed(lesson: session.lesson, detail: "its supervisor started no new QEMU within 10 s")
  }

  private func load(_ state: URL, step: String, qmp: QMPClient) async throws {
    let fd = open(state.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CheckpointError.file(lesson: session.lesson, path: state.path, detail: String(cString: strerror(errno)))
    }
    defer { close(fd) }
    try await qmp.execute("getfd", arguments: ["fdname": .string(CheckpointSaver.fdName)], passing: fd)
    try await qmp.execute("migrate-incoming", arguments: ["uri": .string("fd:" + CheckpointSaver.fdName)])
    try await MigrationWatch(qmp: qmp, lesson: session.lesson, step: step, direction: "restore")
      .waitForCompletion(timeout: timeout)
  }

  private func restoreBaseline(from folder: URL) throws {
    let saved = folder.appendingPathComponent(Checkpoint.baselineName)
    let target = session.baselineFile
    try? FileManager.default.removeItem(at: target)
    if FileManager.default.fileExists(atPath: saved.path) { try FileManager.default.copyItem(at: saved, to: target) }
  }
}
