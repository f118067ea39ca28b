import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a launcher does with the warm pool.
public enum PoolRole: Sendable {
  /// Adopt a matching paused guest if the pool has one, else boot (the default for `qlearn start`).
  case adopt
  /// Never touch the pool.
  case off
  /// Boot into a pool slot for `qlearn pool fill`, within `limits`.
  case fill(slot: SessionDirectory, limits: PoolLimits)

  var slot: SessionDirectory? {
    if case .fill(let slot, _) = self { return slot }
    return nil
  }
}

/// How many guests of one lesson the pool keeps, and the memory it may hold in all.
public struct PoolLimits: Sendable, Equatable {
  public var size: Int
  /// `--budget` or ``PoolBudget/environmentVariable``; nil: the default share.
  public var budget: String?

  public init(size: Int = WarmPool.configuredSize(), budget: String? = WarmPool.configuredBudget()) {
    self.size = size
    self.budget = budget
  }
}

/// Guests booted ahead of need and paused, so that `qlearn start` answers in a fraction of a boot.
///
/// Each pooled guest is an ordinary session (a supervisor owns its QEMU) in a slot folder `<runtime>/pool/<slot>/`,
/// booted by `qlearn pool fill`, then paused with QMP `stop` and its QEMU stopped (SIGSTOP), so it uses no CPU while it
/// waits. `qlearn start` adopts one whose ``PoolKey`` matches what it would boot: it renames the slot folder to the lesson's session folder (QEMU's
/// listening sockets and open files follow the rename; the supervisor follows its folder through its working
/// directory), resumes it with `cont`, resynchronises the agent and sets the guest clock, and writes a fresh record, so
/// baselines and progress start as after a fresh boot. A pooled guest of the lesson with another key (an edited lesson
/// file, another kernel or initramfs, another qlearn) is discarded, never adopted. A guest is adopted once: none goes
/// back to the pool after a learner used it.
public struct WarmPool: Sendable {
  public static let sizeVariable = "QLEARN_POOL_SIZE"
  public static let refillVariable = "QLEARN_POOL_REFILL"

  public var paths: Paths
  public var report: @Sendable (BootEvent) -> Void
  /// Save the first step's checkpoint of a guest it boots (for `qlearn reset --step` after adoption); verify's
  /// look-ahead pool, whose guests are never reset, turns it off.
  public var checkpoints = true

  public init(paths: Paths, report: @escaping @Sendable (BootEvent) -> Void = { _ in }) {
    self.paths = paths
    self.report = report
  }

  /// Guests kept per lesson and inputs: `QLEARN_POOL_SIZE`, default 1; 0 turns the pool off.
  public static func configuredSize(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
    environment[sizeVariable].flatMap { Int($0) }.map { max(0, $0) } ?? 1
  }

  public static func configuredBudget(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    environment[PoolBudget.environmentVariable]
  }

  /// Whether a start that adopted a guest should boot its replacement in the background (`QLEARN_POOL_REFILL=0` stops it).
  public static func refillsAfterAdoption(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    configuredSize(environment) > 0 && environment[refillVariable] != "0"
  }

  /// This qlearn's path, for the background `qlearn pool fill`.
  public static func executable() throws -> String { try SessionLauncher.ownExecutable() }

  public var root: URL { paths.runtime.appendingPathComponent("pool") }
  var lockFile: URL { root.appendingPathComponent(".lock") }

  /// Every slot with a readable ticket, oldest first.
  public func slots() -> [PoolSlot] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.compactMap { file -> PoolSlot? in
      let url = root.appendingPathComponent(file)
      guard let data = try? Data(contentsOf: url),
        let ticket = try? JSONDecoder.session.decode(PoolTicket.self, from: data)
      else { return nil }
      let name = String(file.dropLast(5))
      return PoolSlot(
        name: name, ticket: ticket, directory: SessionDirectory(url: root.appendingPathComponent(name)), ticketFile: url)
    }.sorted { $0.ticket.createdAt < $1.ticket.createdAt }
  }

  /// The memory the pool holds now, and the budget that bounds it.
  public func budget(_ setting: String?) throws -> (held: UInt64, budget: PoolBudget) {
    let held = slots().filter(\.isAlive).reduce(UInt64(0)) { $0 + $1.heldBytes }
    return (held, try PoolBudget.resolve(setting, available: PoolBudget.memAvailable(), pooled: held))
  }

  // MARK: Filling

  /// Boots one guest of `lesson` into a new slot and pauses it. Throws ``PoolError/full(lesson:count:)`` when the pool
  /// already holds `limits.size` of them, ``PoolError/overBudget(lesson:needed:held:budget:origin:)`` when it would
  /// pass the budget; both before booting anything.
  @discardableResult
  public func fill(_ lesson: Lesson, options: LaunchOptions, limits: PoolLimits = PoolLimits()) async throws -> PoolSlot {
    guard limits.size > 0 else { throw PoolError.disabled }
    try Self.checkPoolable(lesson, options: options)
    try Paths.ensureDirectory(root)
    let name = "\(lesson.id).\(UUID().uuidString.prefix(8).lowercased())"
    let slot = SessionDirectory(url: root.appendingPathComponent(name))
    let ticketFile = root.appendingPathComponent(name + ".json")
    var launcher = SessionLauncher(paths: paths, report: report)
    launcher.pool = .fill(slot: slot, limits: limits)
    let running: SessionLauncher.Running
    do {
      running = try await launcher.start(lesson, options: options)
    } catch {
      try? FileManager.default.removeItem(at: ticketFile)
      throw error
    }
    do {
      let qmp = try await QMPClient.connect(path: running.directory.layout.qmpSocket.path)
      defer { qmp.close() }
      // The first step's checkpoint is saved now, untimed, and goes with the folder to the learner who adopts it.
      if checkpoints, let first = lesson.steps.first {
        _ = try? await CheckpointSaver(session: slot).save(
          step: first.id, stepStartedAt: (try? slot.readRecord())?.stepStartedAt, qmp: qmp)
      }
      try await qmp.execute("stop")
      // QMP `stop` alone leaves QEMU 7.2's main loop polling every millisecond in some runs (a timer on a clock that
      // stopped with the guest: measured 16 ticks in 5 s); a stopped process uses none. Adoption continues it first.
      if let qemu = (try? slot.readRecord())?.qemuPID {
        try syscall("kill", "QEMU \(qemu)") { kill(qemu, SIGSTOP) }
      }
      var ticket = try JSONDecoder.session.decode(PoolTicket.self, from: Data(contentsOf: ticketFile))
      ticket.state = .paused
      ticket.pausedAt = Date()
      ticket.accelerator = running.record.accelerator
      ticket.kernel = running.record.kernel
      try JSONEncoder.session.encode(ticket).write(to: ticketFile, options: .atomic)
      return PoolSlot(name: name, ticket: ticket, directory: slot, ticketFile: ticketFile)
    } catch {
      await discard(PoolSlot(name: name, ticket: PoolTicket(lesson: lesson.id, key: PoolKey(parts: [:]), fillerPID: 0, estimatedBytes: 0), directory: slot, ticketFile: ticketFile))
      throw error
    }
  }

  /// Called by the launcher once it knows what it would boot (`plan`). Filling: checks the limits and reserves the
  /// slot (returns nil: boot). Adopting: returns a running session made from a pooled guest, or nil to boot.
  func beforeBoot(_ lesson: Lesson, plan: BootPlan, role: PoolRole, target: SessionDirectory) async throws
    -> SessionLauncher.Running?
  {
    switch role {
    case .off: return nil
    case .fill(let slot, let limits):
      try reserve(slot, lesson: lesson, key: PoolKey(lesson: lesson, plan: plan), limits: limits)
      return nil
    case .adopt:
      guard Self.configuredSize() > 0, plan.bootImage == nil, plan.vfioHosts.isEmpty else { return nil }
      return await adopt(lesson, key: PoolKey(lesson: lesson, plan: plan), plan: plan, into: target)
    }
  }

  /// Under the pool's lock: forgets dead slots, discards the lesson's guests booted from other inputs, then checks the
  /// count and the budget and writes the slot's ticket.
  func reserve(_ slot: SessionDirectory, lesson: Lesson, key: PoolKey, limits: PoolLimits) throws {
    let ticketFile = root.appendingPathComponent(slot.url.lastPathComponent + ".json")
    if FileManager.default.fileExists(atPath: ticketFile.path) { return }  // a boot attempt after a hung one
    try CacheLock.withLock(lockFile) {
      var current: [PoolSlot] = []
      for other in slots() {
        if !other.isAlive {
          discardNow(other)
        } else if other.ticket.lesson == lesson.id, other.ticket.key != key, other.ticket.state == .paused {
          report(.note(Self.discardNote(lesson.id, other.ticket.key.changes(from: key))))
          discardNow(other)
        } else {
          current.append(other)
        }
      }
      let same = current.filter { $0.ticket.key == key }.count
      if same >= limits.size { throw PoolError.full(lesson: lesson.id, count: same) }
      let held = current.reduce(UInt64(0)) { $0 + $1.heldBytes }
      let budget = try PoolBudget.resolve(limits.budget, available: PoolBudget.memAvailable(), pooled: held)
      let needed = lesson.machine.memory.size.bytes + PoolBudget.qemuOverhead
      if held + needed > budget.bytes {
        throw PoolError.overBudget(lesson: lesson.id, needed: needed, held: held, budget: budget.bytes, origin: budget.origin)
      }
      let ticket = PoolTicket(lesson: lesson.id, key: key, fillerPID: getpid(), estimatedBytes: needed)
      try JSONEncoder.session.encode(ticket).write(to: ticketFile, options: .atomic)
    }
  }

  static func checkPoolable(_ lesson: Lesson, options: LaunchOptions) throws {
    if options.bootImage != nil {
      throw PoolError.notPoolable(lesson: lesson.id, reason: "it boots your own disk image (--boot-image)")
    }
    if let host = lesson.requires.first(where: { $0 != .kvm }) {
      throw PoolError.notPoolable(lesson: lesson.id, reason: "it takes a host resource (\(host.rawValue)) a waiting VM would hold")
    }
  }

  // MARK: Adopting

  /// Moves a paused guest with `key` into `target` and resumes it; nil when there is none or it would not resume.
  func adopt(_ lesson: Lesson, key: PoolKey, plan: BootPlan, into target: SessionDirectory) async -> SessionLauncher.Running? {
    for slot in slots() where slot.ticket.lesson == lesson.id && slot.ticket.state == .paused {
      guard slot.ticket.key == key else {
        report(.note(Self.discardNote(lesson.id, slot.ticket.key.changes(from: key))))
        await discard(slot)
        continue
      }
      guard case .running(var record) = slot.directory.state() else {
        await discard(slot)
        continue
      }
      do {
        try Paths.ensureDirectory(target.url.deletingLastPathComponent())
        try syscall("rename", slot.directory.url.path) { rename(slot.directory.url.path, target.url.path) }
      } catch {
        continue  // another start took it first
      }
      try? FileManager.default.removeItem(at: slot.ticketFile)
      try? CheckpointRestorer.relocateArgv(in: target, from: slot.directory.url)
      let started = ContinuousClock.now
      do {
        record.startedAt = Date()
        record.step = lesson.steps.first?.id
        record.stepStartedAt = nil
        for leftover in [target.baselineFile, target.answerFile] {
          try? FileManager.default.removeItem(at: leftover)
        }
        try target.write(record)
        try await Self.resume(target)
      } catch {
        report(.note("a pooled VM of \(lesson.id) did not resume (\(error.localizedDescription)); booting instead"))
        try? await SessionResolver.stop(target)
        continue
      }
      report(.note("adopted a VM from the warm pool (paused \(Self.age(slot.ticket.pausedAt)))"))
      report(.ready(seconds: (ContinuousClock.now - started).seconds))
      var adoptedPlan = plan
      adoptedPlan.sessionDirectory = target.url
      var running = SessionLauncher.Running(directory: target, record: record, plan: adoptedPlan)
      running.adopted = true
      return running
    }
    return nil
  }

  /// `cont`, then the agent (which sat in a paused guest, so a resync first) sets the guest clock to the host's: the
  /// guest's clock stood still while it was paused.
  static func resume(_ session: SessionDirectory) async throws {
    Self.wake(session)
    let qmp = try await QMPClient.connect(path: session.layout.qmpSocket.path)
    defer { qmp.close() }
    try await qmp.execute("cont")
    let agent = try await GuestAgentClient.connect(path: session.layout.agentSocket.path, timeout: .seconds(10))
    defer { agent.close() }
    let nanoseconds = (Date().timeIntervalSince1970 * 1e9).rounded()
    try await agent.execute("guest-set-time", arguments: ["time": .number(nanoseconds)], timeout: .seconds(5))
  }

  static func discardNote(_ lesson: String, _ changes: [String]) -> String {
    "discarded a pooled VM of \(lesson): its \(changes.joined(separator: ", ")) changed since it was booted"
  }

    /// SIGCONT to a pooled guest's QEMU (stopped with SIGSTOP while it waits).
  static func wake(_ session: SessionDirectory) {
    if let qemu = (try? session.readRecord())?.qemuPID, Spawn.isAlive(qemu) { try? Spawn.signal(qemu, SIGCONT) }
  }

    public static func age(_ date: Date?) -> String {
    guard let date else { return "a moment" }
    let seconds = Int(-date.timeIntervalSinceNow)
    return seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min"
  }

  // MARK: Emptying

  /// Stops every pooled guest (or those of `lesson`); returns how many.
  @discardableResult
  public func drain(lesson: String? = nil) async -> Int {
    var count = 0
    for slot in slots() where lesson == nil || slot.ticket.lesson == lesson {
      await discard(slot)
      count += 1
    }
    return count
  }

  func discard(_ slot: PoolSlot) async {
    Self.wake(slot.directory)  // a stopped QEMU would take its supervisor's SIGTERM only after the grace period
    try? await SessionResolver.stop(slot.directory)
    try? FileManager.default.removeItem(at: slot.ticketFile)
  }

  /// ``discard(_:)`` for synchronous callers (under the lock): SIGTERM to the supervisor, which removes the folder.
  func discardNow(_ slot: PoolSlot) {
    if case .running(let record) = slot.directory.state() {
      Self.wake(slot.directory)
      try? Spawn.signal(record.supervisorPID, SIGTERM)  // gone already: nothing left to stop
    } else {
      slot.directory.remove()
    }
    try? FileManager.default.removeItem(at: slot.ticketFile)
  }
}
