import Foundation

/// Takes the checkpoint of a step as it begins (`start` once the guest is ready, and every ``GradingSession/move(to:)``
/// of a learner's session), so that `qlearn reset --step` can bring the machine back to it.
///
/// Best effort: a save that fails costs the learner nothing but a slower reset (replay instead), so it is never an
/// error of the command that began the step.
public enum StepCheckpoints {
  /// Saves the starting state of `step` in `session` through `qmp` (the session's own QMP connection: QEMU serves one
  /// client per socket).
  @discardableResult
  public static func take(step: String, session: SessionDirectory, qmp: QMPClient) async -> CheckpointSaver.Outcome? {
    let record = try? session.readRecord()
    return try? await CheckpointSaver(session: session).save(step: step, stepStartedAt: record?.stepStartedAt, qmp: qmp)
  }

  /// The first step's checkpoint, right after boot, on a QMP connection of its own. A guest adopted from the warm pool
  /// brought its own (saved when the pool booted it), or QEMU's reasons it cannot be saved: that is the outcome then.
  @discardableResult
  public static func takeAtBoot(_ session: SessionDirectory, lesson: Lesson) async -> CheckpointSaver.Outcome? {
    let shelf = CheckpointShelf(session: session)
    guard let first = lesson.steps.first, shelf.limit > 0 else { return nil }
    if let reasons = shelf.blockedReasons() { return .blocked(reasons) }
    if let kept = shelf.latest(of: first.id) { return .saved(kept) }
    guard let qmp = try? await QMPClient.connect(path: session.layout.qmpSocket.path) else { return nil }
    defer { qmp.close() }
    return await take(step: first.id, session: session, qmp: qmp)
  }

  /// After ``GradingSession/move(to:)``: only a learner's session (one that records progress) keeps checkpoints;
  /// `qlearn verify` does not.
  static func afterMove(to step: Step?, in grading: GradingSession) async {
    guard let step, grading.store != nil, CheckpointShelf.configuredLimit() > 0,
      let qmp = try? await grading.live.monitor()
    else { return }
    await take(step: step.id, session: grading.directory, qmp: qmp)
  }
}
