import Foundation

/// `qlearn reset --step`: brings a learner's VM back to the starting state of a step, keeping their progress.
///
/// From the step's checkpoint when one is kept (``CheckpointRestorer``), else by a fresh boot (a pooled guest when the
/// pool has one) and the earlier steps' reference solutions (``StepReplay``): for a machine QEMU cannot migrate (an
/// NVMe controller), with checkpoints turned off, or for a step whose checkpoint was pruned.
public struct StepReset: Sendable {
  public let session: GradingSession
  public let paths: Paths
  /// How a fresh boot boots (the replay route).
  public var options: LaunchOptions
  public var report: @Sendable (BootEvent) -> Void = { _ in }

  public init(session: GradingSession, paths: Paths, options: LaunchOptions) {
    self.session = session
    self.paths = paths
    self.options = options
  }

  /// How a step is reset.
  public enum Route: Sendable, Equatable {
    case checkpoint(Checkpoint)
    /// A fresh boot and the earlier steps' solutions; why no checkpoint serves.
    case replay(reason: String)
  }

  /// The route for `step`: its newest kept checkpoint, else replay with the reason. Pure, for tests.
  public static func route(step: String, kept: [Checkpoint], blocked: String?, limit: Int) -> Route {
    if limit == 0 { return .replay(reason: "checkpoints are off (\(CheckpointShelf.limitVariable)=0)") }
    if let blocked { return .replay(reason: "QEMU cannot save this machine (\(blocked))") }
    if let checkpoint = kept.last(where: { $0.step == step }) { return .checkpoint(checkpoint) }
    return .replay(reason: "no checkpoint of step '\(step)' is kept (only the last \(limit) step starts are)")
  }

  /// The route ``reset(to:progress:)`` takes for `step` now.
  public func route(for step: Step) -> Route {
    let shelf = CheckpointShelf(session: session.directory)
    return Self.route(step: step.id, kept: shelf.all(), blocked: shelf.blockedReasons(), limit: shelf.limit)
  }

  /// What was done: the route taken, how long it took, and the session to grade from now on (a replay boots anew).
  public struct Outcome: Sendable {
    public var route: Route
    public var seconds: Double
    public var session: GradingSession
  }

  /// Resets the VM to the start of `target`. `progress` reports each replayed step.
  public func reset(to target: Step, progress: @escaping StepReplay.Progress) async throws -> Outcome {
    let started = ContinuousClock.now
    let route = route(for: target)
    await session.live.close()
    var current = session
    switch route {
    case .checkpoint(let checkpoint): try await restore(checkpoint)
    case .replay: current = try await replay(to: target, progress: progress)
    }
    return Outcome(route: route, seconds: (ContinuousClock.now - started).seconds, session: current)
  }

  private func restore(_ checkpoint: Checkpoint) async throws {
    let directory = session.directory
    try await CheckpointRestorer(session: directory).restore(checkpoint)
    var record = try directory.readRecord()
    record.step = checkpoint.step
    record.stepStartedAt = checkpoint.stepStartedAt
    try directory.write(record)
    AnswerFile.remove(in: directory)
    try? session.store?.recordEvent(lesson: session.lesson.id, step: checkpoint.step, kind: .start)
  }

  private func replay(to target: Step, progress: @escaping StepReplay.Progress) async throws -> GradingSession {
    try await SessionResolver.stop(session.directory)
    let launcher = SessionLauncher(paths: paths, report: report)
    let running = try await launcher.start(session.lesson, options: options)
    let fresh = GradingSession(
      lesson: session.lesson, library: session.grader.library,
      live: LiveSession(directory: running.directory, lesson: session.lesson.id), store: session.store)
    let earlier = Array(session.lesson.steps.prefix { $0.id != target.id })
    try await StepReplay(session: fresh).apply(earlier, then: target, progress: progress)
    return fresh
  }
}
