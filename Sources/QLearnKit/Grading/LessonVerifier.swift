import Foundation
import Synchronization

/// `qlearn verify`: proves that each step of a lesson grades what the learner does. In a freshly booted VM, for each step
/// in order: its checks must not pass before its reference solution runs, and must all pass after (polled for a short
/// while, since hotplug and kernel messages arrive asynchronously).
///
/// Each lesson boots under a runtime folder of its own, so verification never meets the learner's sessions, and
/// lessons can be verified in parallel.
public struct LessonVerifier: Sendable {
  public var library: CheckLibrary
  public var paths: Paths
  public var options: LaunchOptions
  /// How long a solution's effects may take to show: hotplug is asynchronous, and pciehp waits 5 s after the attention
  /// button before it powers a slot off. Checks are polled, so a quick step costs nothing extra.
  public var settle: Duration = .seconds(15)
  /// The runtime folder of a whole verify run (its sessions and its look-ahead pool, see ``CourseVerifier``); nil: each
  /// lesson boots under a folder of its own, removed when it is done.
  public var runtime: URL?
  /// Called when a lesson's VM is up (booted or adopted) and its grading begins.
  public var onBooted: (@Sendable (String) -> Void)?

  public init(library: CheckLibrary, paths: Paths, options: LaunchOptions) {
    self.library = library
    self.paths = paths
    self.options = options
  }

  /// What verification found about one step.
  public struct StepReport: Sendable {
    public var step: String
    /// The grade before the solution (must not pass); nil if the step was never reached.
    public var before: StepGrade?
    /// The last grade after the solution (must pass).
    public var after: StepGrade?
    public var solutionSeconds: Double = 0
    /// Seconds from the end of the solution until the checks passed (or gave up).
    public var settleSeconds: Double = 0
    /// What is wrong, or nil when the step is proven.
    public var defect: String?
  }

  public enum Outcome: Sendable {
    case verified
    /// The host lacks what the lesson requires: not run, never counted as passed.
    case skipped(reason: String)
    /// At least one defect (in a step, or the boot failed).
    case defective
  }

  public struct LessonReport: Sendable {
    public var lesson: String
    public var outcome: Outcome
    public var steps: [StepReport] = []
    public var accelerator: String?
    public var bootSeconds: Double = 0
    /// The VM was booted ahead while earlier lessons were graded (``CourseVerifier``), and taken from its pool.
    public var bootedAhead = false
    public var totalSeconds: Double = 0
    /// A failure outside the steps (boot, stopping).
    public var error: String?
    /// What happened that is not a defect but worth reading (a boot that hung and was retried).
    public var notes: [String] = []
  }

  public func verify(_ lesson: Lesson) async -> LessonReport {
    let started = ContinuousClock.now
    let unmet = HostCheck.unmet(lesson)
    guard unmet.isEmpty else {
      let reason = unmet.map { "needs \($0.0.explanation): \($0.1)" }.joined(separator: "; ")
      return LessonReport(lesson: lesson.id, outcome: .skipped(reason: reason))
    }
    if lesson.requires.contains(.network), !options.allowNetwork {
      return LessonReport(
        lesson: lesson.id,
        outcome: .skipped(reason: "its guest reaches the network (requires: [network]); verify it with --allow-network"))
    }
    var report = LessonReport(lesson: lesson.id, outcome: .defective)
    // Short and private: socket paths must fit sockaddr_un, and nothing else may use this folder.
    let runtime = self.runtime ?? URL(fileURLWithPath: "/tmp/qlv-\(getpid())-\(UUID().uuidString.prefix(8))")
    defer { if self.runtime == nil { try? FileManager.default.removeItem(at: runtime) } }
    var ownPaths = paths
    ownPaths.runtime = runtime
    // A hung boot that the launcher tried again goes into the report.
    let notes = Mutex<[String]>([])
    let launcher = SessionLauncher(paths: ownPaths) { event in
      if case .bootingAgain(let attempt, let seconds) = event {
        notes.withLock { $0.append("boot \(attempt) did not reach the guest agent within \(seconds) s; booted again") }
      }
    }
    let running: SessionLauncher.Running
    do {
      try Paths.ensureDirectory(runtime)
      running = try await launcher.start(lesson, options: options)
      report.notes += notes.withLock { $0 }
    } catch {
      report.notes += notes.withLock { $0 }
      report.error = "boot failed: " + ((error as? LocalizedError)?.errorDescription ?? "\(error)")
      report.totalSeconds = (ContinuousClock.now - started).seconds
      return report
    }
    report.accelerator = running.record.accelerator
    report.bootedAhead = running.adopted
    report.bootSeconds = (ContinuousClock.now - started).seconds
    onBooted?(lesson.id)
    let live = LiveSession(directory: running.directory, lesson: lesson.id)
    let session = GradingSession(lesson: lesson, library: library, live: live, store: nil)
    report.outcome = await verifySteps(of: lesson, session: session, report: &report)
    await live.close()
    try? await SessionResolver.stop(running.directory)
    report.totalSeconds = (ContinuousClock.now - started).seconds
    return report
  }

  /// In the booted VM: the lesson's guest requirements (unmet ones skip it), then each step in order until one is
  /// defective. Fills `report` and returns its outcome; the caller tears the VM down whatever happened.
  private func verifySteps(of lesson: Lesson, session: GradingSession, report: inout LessonReport) async -> Outcome {
    do {
      let unmet = try await session.unmetGuestRequirements()
      if !unmet.isEmpty {
        return .skipped(reason: "this guest cannot do it: " + unmet.map(\.explanation).joined(separator: "; "))
      }
    } catch {
      report.error =
        "guest requirements could not be checked: " + ((error as? LocalizedError)?.errorDescription ?? "\(error)")
      return .defective
    }
    var failed = false
    for step in lesson.steps {
      if failed {
        report.steps.append(StepReport(step: step.id, defect: "not reached"))
        continue
      }
      let stepReport = await verify(step, session: session)
      report.steps.append(stepReport)
      if stepReport.defect != nil { failed = true }
    }
    return failed ? .defective : .verified
  }

  private func verify(_ step: Step, session: GradingSession) async -> StepReport {
    var report = StepReport(step: step.id)
    do {
      let before = try await session.grade(step)
      report.before = before
      if before.passed {
        report.defect = "its checks already pass before the solution: the step grades nothing the learner does"
        return report
      }
      let solutionStart = ContinuousClock.now
      try await SolutionRunner.run(step, lesson: session.lesson, session: session.live)
      let solutionEnd = ContinuousClock.now
      report.solutionSeconds = (solutionEnd - solutionStart).seconds
      if step.solution.contains(where: \.touchesTheMachine) {
        // A guest woken from the monitor loses the agent request that is in flight while its serial ports resume
        // (pm-suspend's first grade waited out a 5 s request timeout): resynchronise first, with the short retries.
        await resynchronise(session, until: solutionEnd + settle)
      }
      var after = try await gradeSettling(step, session: session, since: solutionEnd)
      while !after.passed, ContinuousClock.now - solutionEnd < settle {
        try await Task.sleep(for: .milliseconds(200))
        after = try await gradeSettling(step, session: session, since: solutionEnd)
      }
      report.after = after
      report.settleSeconds = (ContinuousClock.now - solutionEnd).seconds
      if !after.passed {
        let failing = after.checks.filter { !$0.passed }
          .map { "\($0.label): expected \($0.expected), actual \($0.actual)" }
        report.defect = "its checks still fail after the solution: " + failing.joined(separator: "; ")
        return report
      }
      try await session.move(to: session.step(after: step))
    } catch {
      report.defect = (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }
    return report
  }
}

extension LessonVerifier {
  /// Grades after a solution. A guest that is still resuming (from a suspend, say) has a frozen agent for a while:
  /// within the settle time that is "not yet", not a defect; past it, the error stands.
  fileprivate func gradeSettling(_ step: Step, session: GradingSession, since end: ContinuousClock.Instant) async throws
    -> StepGrade
  {
    while true {
      do {
        return try await session.grade(step)
      } catch GradingError.agentUnresponsive(let lesson, let detail) {
        guard ContinuousClock.now - end < settle else {
          throw GradingError.agentUnresponsive(lesson: lesson, detail: detail)
        }
        await resynchronise(session, until: end + settle)
      }
    }
  }

  /// Waits, up to `deadline`, until the agent answers a resynchronisation (retried every 0.25 s at first); failures
  /// are left for the grading that follows to report.
  fileprivate func resynchronise(_ session: GradingSession, until deadline: ContinuousClock.Instant) async {
    let remaining = deadline - ContinuousClock.now
    guard remaining > .zero, let agent = try? await session.live.guestAgent() else { return }
    try? await agent.waitUntilReady(timeout: remaining)
  }
}

extension SolutionAction {
  /// Acts on the machine from outside the guest (the monitor), or waits for the guest to change by itself.
  var touchesTheMachine: Bool {
    switch self {
    case .monitor, .wait: true
    case .guest, .answer: false
    }
  }
}

extension Duration {
  /// Seconds as a Double, for reports.
  var gradingSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
