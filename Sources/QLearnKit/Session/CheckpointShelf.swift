import Foundation

/// The checkpoints kept for one session, in `<session>/checkpoints/`: naming, listing and pruning them.
///
/// Every step start saves one (`start`, `next`, `goto`, a passing `check`), so the shelf keeps only the newest
/// ``limit`` (`QLEARN_CHECKPOINTS`, default 3; 0 turns checkpoints off), at most one per step: a newer checkpoint of a
/// step replaces the older. They go with the session folder when the VM stops.
public struct CheckpointShelf: Sendable {
  public static let limitVariable = "QLEARN_CHECKPOINTS"
  /// Written when QEMU says the machine cannot be migrated, with its reasons, so that it is asked once per session.
  public static let blockedName = "not-migratable.txt"

  public let folder: URL
  public var limit: Int

  public init(session: SessionDirectory, limit: Int = CheckpointShelf.configuredLimit()) {
    self.folder = session.url.appendingPathComponent("checkpoints")
    self.limit = limit
  }

  /// `QLEARN_CHECKPOINTS`, default 3.
  public static func configuredLimit(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
    environment[limitVariable].flatMap { Int($0) }.map { max(0, $0) } ?? 3
  }

  public func directory(of checkpoint: Checkpoint) -> URL { folder.appendingPathComponent(checkpoint.folderName) }

  /// Every complete checkpoint (one whose metadata was written last, after its state and disks), oldest first.
  public func all() -> [Checkpoint] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.compactMap { name -> Checkpoint? in
      let file = folder.appendingPathComponent(name).appendingPathComponent(Checkpoint.metadataName)
      guard let data = try? Data(contentsOf: file),
        let checkpoint = try? JSONDecoder.session.decode(Checkpoint.self, from: data),
        checkpoint.folderName == name
      else { return nil }
      return checkpoint
    }.sorted { $0.sequence < $1.sequence }
  }

  /// The newest checkpoint of `step`, if one is kept.
  public func latest(of step: String) -> Checkpoint? { all().last { $0.step == step } }

  /// The next checkpoint's number: one more than any folder on the shelf, complete or not.
  public func nextSequence() -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return (names.compactMap { Int($0.prefix { $0.isNumber }) }.max() ?? 0) + 1
  }

  /// The checkpoints to delete so that `kept` fit the limit: older ones of a step that has a newer one, then the
  /// oldest. Pure, for tests.
  public static func surplus(_ kept: [Checkpoint], limit: Int) -> [Checkpoint] {
    let ordered = kept.sorted { $0.sequence < $1.sequence }
    var newestPerStep: [String: Int] = [:]
    for checkpoint in ordered { newestPerStep[checkpoint.step] = checkpoint.sequence }
    let superseded = ordered.filter { newestPerStep[$0.step] != $0.sequence }
    let current = ordered.filter { newestPerStep[$0.step] == $0.sequence }
    return superseded + current.dropLast(max(0, limit))
  }

  /// Deletes what ``surplus(_:limit:)`` names, and any folder left incomplete by a save that failed.
  public func prune() {
    let complete = all()
    for checkpoint in Self.surplus(complete, limit: limit) {
      try? FileManager.default.removeItem(at: directory(of: checkpoint))
    }
    let names = Set(complete.map(\.folderName))
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    where !names.contains(name) && name != Self.blockedName {
      try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
  }

  /// QEMU's reasons the machine cannot be migrated, if they were recorded.
  public func blockedReasons() -> String? {
    try? String(contentsOf: folder.appendingPathComponent(Self.blockedName), encoding: .utf8)
  }

  func recordBlocked(_ reasons: String) {
    try? Paths.ensureDirectory(folder)
    try? reasons.write(to: folder.appendingPathComponent(Self.blockedName), atomically: true, encoding: .utf8)
  }
}
