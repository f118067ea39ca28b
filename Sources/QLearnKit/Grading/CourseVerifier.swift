import Foundation
import Synchronization

/// `qlearn verify` over several lessons: `jobs` lessons at once, and while they are graded the next lessons in line
/// (up to one per job) boot into a warm pool of the run's own, so they are ready (paused) when a job frees up. A booting guest keeps a host
/// core busy; a guest being graded mostly waits (solutions, settling hotplug, the agent's serial line), so the look-ahead
/// boot fills that idle time. Everything lives in one private runtime folder, removed at the end: verification never
/// meets the learner's sessions or pool.
public struct CourseVerifier: Sendable {
  public var verifier: LessonVerifier
  public var jobs: Int
  /// Boot the next lesson while the current ones are graded.
  public var lookAhead: Bool

  public init(verifier: LessonVerifier, jobs: Int, lookAhead: Bool = true) {
    self.verifier = verifier
    self.jobs = max(1, jobs)
    self.lookAhead = lookAhead
  }

  /// Verifies `lessons`, `jobs` at a time, calling `report` as each lesson ends (in the order they end); returns every
  /// report.
  public func run(_ lessons: [Lesson], report: @escaping @Sendable (LessonVerifier.LessonReport) -> Void) async
    -> [LessonVerifier.LessonReport]
  {
    let runtime = URL(fileURLWithPath: "/tmp/qlv-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())")
    defer { try? FileManager.default.removeItem(at: runtime) }
    var verifier = self.verifier
    verifier.runtime = runtime
    var poolPaths = verifier.paths
    poolPaths.runtime = runtime
    var pool = WarmPool(paths: poolPaths)
    pool.checkpoints = false
    let ahead = LookAhead(pool: pool, options: verifier.options, depth: lookAhead ? jobs : 0)
    // Longest first when lessons run side by side, so the run does not end with one long lesson alone on the machine.
    var pending = (jobs > 1 ? Self.longestFirst(lessons) : lessons)[...]
    verifier.onBooted = { _ in ahead.bootNext() }
    ahead.queue(Array(pending.dropFirst(jobs)))
    let configured = verifier
    var reports: [LessonVerifier.LessonReport] = []
    await withTaskGroup(of: LessonVerifier.LessonReport.self) { group in
      func launch(_ lesson: Lesson) {
        group.addTask {
          await ahead.waitFor(lesson.id)
          return await configured.verify(lesson)
        }
      }
      for _ in 0..<min(jobs, pending.count) { if let lesson = pending.popFirst() { launch(lesson) } }
      for await finished in group {
        report(finished)
        reports.append(finished)
        if let lesson = pending.popFirst() { launch(lesson) }
      }
    }
    await ahead.drain()
    return reports
  }

  /// A rough cost of verifying `lesson`, in seconds of this kind of host: a boot, each step's grading and solution, and
  /// the pauses its solutions wait out (`wait:`), which dominate the slowest lessons.
  public static func estimatedSeconds(_ lesson: Lesson) -> Int {
    let waits = lesson.steps.flatMap(\.solution).reduce(0) { total, action in
      if case .wait(let seconds) = action { total + seconds } else { total }
    }
    return 4 + 2 * lesson.steps.count + waits
  }

  /// `lessons` by ``estimatedSeconds(_:)``, longest first; equal ones keep their order.
  static func longestFirst(_ lessons: [Lesson]) -> [Lesson] {
    lessons.enumerated().sorted { a, b in
      let (x, y) = (estimatedSeconds(a.element), estimatedSeconds(b.element))
      return x != y ? x > y : a.offset < b.offset
    }.map(\.element)
  }

  /// The lessons of shard `index` (1-based) of `count`: lessons are dealt, in course order, to the shard with the
  /// least work so far (a lesson's work is its ``estimatedSeconds(_:)``), ties to the lower shard. Deterministic, so
  /// each CI runner computes its own share from the same course; every lesson lands in exactly one shard, and a shard
  /// keeps course order.
  public static func shard(_ lessons: [Lesson], index: Int, of count: Int) -> [Lesson] {
    precondition(count >= 1 && (1...count).contains(index), "shard \(index) of \(count)")
    var load = [Int](repeating: 0, count: count)
    var chosen: [Lesson] = []
    for lesson in lessons {
      let lightest = load.indices.min { load[$0] < load[$1] || (load[$0] == load[$1] && $0 < $1) } ?? 0
      load[lightest] += estimatedSeconds(lesson)
      if lightest == index - 1 { chosen.append(lesson) }
    }
    return chosen
  }
}

/// The look-ahead boots of one verify run: at most `depth` at a time, each lesson at most once, into the run's pool. A job that
/// reaches a lesson whose boot is still under way waits for it (then adopts the paused guest) rather than booting a
/// second one.
final class LookAhead: Sendable {
  private let pool: WarmPool
  private let options: LaunchOptions
  private let depth: Int
  private struct State {
    var queue: [Lesson] = []
    var booting = 0
    var boots: [String: Task<Void, Never>] = [:]
  }
  private let state = Mutex(State())

  init(pool: WarmPool, options: LaunchOptions, depth: Int) {
    self.pool = pool
    self.options = options
    self.depth = WarmPool.configuredSize() > 0 ? depth : 0
  }

  /// The lessons no job has started yet, in the order jobs will take them.
  func queue(_ lessons: [Lesson]) { state.withLock { $0.queue = lessons } }

  /// Boots the next lesson in line into the pool in the background, unless `depth` are booting already or none is left.
  /// A lesson the pool cannot hold (host resources, the memory budget) is simply booted by its job later.
  func bootNext() {
    let pool = self.pool
    let options = self.options
    state.withLock { state in
      guard state.booting < depth, !state.queue.isEmpty else { return }
      let lesson = state.queue.removeFirst()
      // Created under the lock, so the task's own "done" (which takes the lock) always comes after this.
      let task = Task {
        _ = try? await pool.fill(lesson, options: options, limits: PoolLimits(size: 1))
        self.state.withLock { $0.booting -= 1 }
      }
      state.booting += 1
      state.boots[lesson.id] = task
    }
  }

  /// Waits for the look-ahead boot of `lesson`, if one was started; a lesson not yet booted ahead is taken out of the
  /// queue, since its job boots it now.
  func waitFor(_ lesson: String) async {
    let task = state.withLock { state -> Task<Void, Never>? in
      state.queue.removeAll { $0.id == lesson }
      return state.boots[lesson]
    }
    await task?.value
  }

  /// Waits for a boot still under way and stops every guest left in the pool (a lesson whose job failed before
  /// adopting it).
  func drain() async {
    let tasks = state.withLock { Array($0.boots.values) }
    for task in tasks { await task.value }
    _ = await pool.drain()
  }
}
