import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Saves a running VM as a ``Checkpoint`` through QMP: `stop`, `getfd` (the state file's descriptor, passed over the
/// QMP socket), `migrate uri=fd:`, polling `query-migrate` until `completed`, the disk copies, then `cont`.
///
/// QEMU runs with `-sandbox ...,spawn=deny`, so `exec:` migration is out, and QEMU 7.2 has no `file:` URI; a descriptor
/// qlearn opened is the one way to give it a file. Whether the machine can be saved at all is QEMU's answer, not a
/// table's: `query-migrate` lists `blocked-reasons` (e.g. "non-migratable device: 0000:00:04.0/nvme"); that answer is
/// kept on the shelf so it is asked once per session.
public struct CheckpointSaver: Sendable {
  public let session: SessionDirectory
  public let shelf: CheckpointShelf
  /// How long the migration may take (RAM is mostly zero pages, which QEMU sends as flags).
  public var timeout: Duration = .seconds(60)

  public init(session: SessionDirectory, shelf: CheckpointShelf? = nil) {
    self.session = session
    self.shelf = shelf ?? CheckpointShelf(session: session)
  }

  public enum Outcome: Sendable, Equatable {
    case saved(Checkpoint)
    /// QEMU cannot migrate this machine; its reasons.
    case blocked(String)
    /// `QLEARN_CHECKPOINTS=0`.
    case disabled
    /// The session folder's file system has too little room for one more checkpoint (`needed` bytes at most).
    case noRoom(needed: UInt64, free: UInt64)
  }

  /// Room left for the session's own disks to grow besides the checkpoints.
  static let reserve: UInt64 = 64 << 20

  static let fdName = "qlearn-checkpoint"
  /// 64 GiB/s: no throttle in practice (QEMU refuses more than SIZE_MAX / 10).
  static let bandwidth: UInt64 = 64 << 30

  /// Saves the VM's present state as the start of `step`. The guest is paused from `stop` to `cont`.
  public func save(step: String, stepStartedAt: Date?, qmp: QMPClient) async throws -> Outcome {
    guard shelf.limit > 0 else { return .disabled }
    if let reasons = shelf.blockedReasons() { return .blocked(reasons) }
    let blocked = try await qmp.execute("query-migrate")["blocked-reasons"]?.array?.compactMap(\.string) ?? []
    if !blocked.isEmpty {
      shelf.recordBlocked(blocked.joined(separator: "; "))
      return .blocked(blocked.joined(separator: "; "))
    }
    let needed = try await upperBound(qmp: qmp) + Self.reserve
    if let free = DiskSpace.available(at: session.url), free < needed { return .noRoom(needed: needed, free: free) }
    let started = ContinuousClock.now
    var checkpoint = Checkpoint(step: step, sequence: shelf.nextSequence(), stepStartedAt: stepStartedAt)
    let folder = shelf.directory(of: checkpoint)
    try Paths.ensureDirectory(folder)
    let wasRunning = try await qmp.execute("query-status")["running"]?.bool ?? false
    if wasRunning { try await qmp.execute("stop") }
    do {
      try await migrate(into: folder.appendingPathComponent(Checkpoint.stateName), step: step, qmp: qmp)
      try copyFiles(into: folder)
    } catch {
      if wasRunning { _ = try? await qmp.execute("cont") }
      try? FileManager.default.removeItem(at: folder)
      throw error
    }
    if wasRunning { try await qmp.execute("cont") }
    checkpoint.seconds = (ContinuousClock.now - started).seconds
    try JSONEncoder.session.encode(checkpoint).write(to: folder.appendingPathComponent(Checkpoint.metadataName))
    shelf.prune()
    return .saved(checkpoint)
  }

  private func migrate(into file: URL, step: String, qmp: QMPClient) async throws {
    let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw CheckpointError.file(lesson: session.lesson, path: file.path, detail: String(cString: strerror(errno)))
    }
    do {
      try await qmp.execute("getfd", arguments: ["fdname": .string(Self.fdName)], passing: fd)
      close(fd)
    } catch {
      close(fd)
      throw error
    }
    // QEMU throttles a migration to 128 MiB/s by default (meant for a network link shared with a running guest); a
    // paused guest written to a local file has no reason to wait: 78 MB took 0.5 s throttled.
    try await qmp.execute("migrate-set-parameters", arguments: ["max-bandwidth": .number(Double(Self.bandwidth))])
    try await qmp.execute("migrate", arguments: ["uri": .string("fd:" + Self.fdName)])
    try await MigrationWatch(qmp: qmp, lesson: session.lesson, step: step, direction: "save")
      .waitForCompletion(timeout: timeout)
  }

  /// What a checkpoint may take at most: all of the guest's RAM (QEMU's `query-memory-size-summary`; zero pages take
  /// almost nothing) and the disk images as allocated now.
  private func upperBound(qmp: QMPClient) async throws -> UInt64 {
    let memory = try await qmp.execute("query-memory-size-summary")
    let ram = UInt64(memory["base-memory"]?.int ?? 0) + UInt64(memory["plugged-memory"]?.int ?? 0)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: session.url.path)) ?? []
    return names.filter { $0.hasPrefix("disk-") }.reduce(ram) { total, name in
      let values = try? session.url.appendingPathComponent(name).resourceValues(forKeys: [.totalFileAllocatedSizeKey])
      return total + UInt64(values?.totalFileAllocatedSize ?? 0)
    }
  }

  /// The disk images (`disk-*`, named by ``SessionLayout/diskImage(_:)``) and the step's baseline.
  private func copyFiles(into folder: URL) throws {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: session.url.path)) ?? []
    for name in names.sorted() where name.hasPrefix("disk-") {
      try Self.copySparse(session.url.appendingPathComponent(name), to: folder.appendingPathComponent(name), lesson: session.lesson)
    }
    let baseline = session.baselineFile
    if FileManager.default.fileExists(atPath: baseline.path) {
      try FileManager.default.copyItem(at: baseline, to: folder.appendingPathComponent(Checkpoint.baselineName))
    }
  }

  /// `cp --sparse=always --reflink=auto`: holes stay holes, and a file system that can share extents shares them.
  static func copySparse(_ source: URL, to target: URL, lesson: String) throws {
    let result = try Command("cp", ["--sparse=always", "--reflink=auto", source.path, target.path]).output()
    guard result.status == 0 else {
      throw CheckpointError.file(lesson: lesson, path: source.path, detail: result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }
}

/// Polls `query-migrate` until the migration ends.
struct MigrationWatch: Sendable {
  let qmp: QMPClient
  let lesson: String
  let step: String
  let direction: String

  func waitForCompletion(timeout: Duration) async throws {
    let deadline = ContinuousClock.now + timeout
    var status = "none"
    while ContinuousClock.now < deadline {
      let info = try await qmp.execute("query-migrate")
      status = info["status"]?.string ?? "none"
      switch status {
      case "completed": return
      case "failed", "cancelled":
        throw CheckpointError.migrationFailed(
          lesson: lesson, step: step, direction: direction, status: status, detail: info["error-desc"]?.string)
      default: try await Task.sleep(for: .milliseconds(5))
      }
    }
    throw CheckpointError.migrationFailed(
      lesson: lesson, step: step, direction: direction, status: status,
      detail: "still '\(status)' after \(Int(timeout.seconds)) s")
  }
}
