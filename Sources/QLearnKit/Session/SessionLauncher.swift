import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Boots a lesson's machine: kernel, initramfs, disks, QEMU under a supervisor, then waits for the guest agent.
public struct SessionLauncher: Sendable {
  public var paths: Paths
  public var report: @Sendable (BootEvent) -> Void
  /// Warm pool (WarmPool.swift): adopt a paused guest, boot into a pool slot, or neither.
  public var pool: PoolRole = .adopt

  public init(paths: Paths, report: @escaping @Sendable (BootEvent) -> Void = { _ in }) {
    self.paths = paths
    self.report = report
  }

  /// A running session and its open channel into the guest.
  public struct Running: Sendable {
    public var directory: SessionDirectory
    public var record: SessionRecord
    public var plan: BootPlan
    /// Taken from the warm pool rather than booted.
    public var adopted = false
  }

  public func start(_ lesson: Lesson, options: LaunchOptions) async throws -> Running {
    let unmet = HostCheck.unmet(lesson)
    guard unmet.isEmpty else { throw LaunchError.hostLacks(lesson: lesson.id, unmet) }
    let networkAllowed = try NetworkConsent(paths: paths).decide(for: lesson, allow: options.allowNetwork)
    try HostMemory.current()?.check(lesson)
    let directory = pool.slot ?? SessionDirectory.forLesson(lesson.id, paths: paths)
    // Held until this start returns: a second start of the lesson meanwhile is refused, not raced. A pool fill boots
    // into a slot of its own and takes no lesson lock, so a learner's start is never refused because of one.
    let startLock = pool.slot == nil ? try SessionStartLock(lesson: lesson.id, paths: paths) : nil
    defer { withExtendedLifetime(startLock) {} }
    switch directory.state() {
    case .running: throw LaunchError.alreadyRunning(lesson: lesson.id)
    case .ended, .stale: directory.remove()
    }

    let report = self.report
    let kernel = try await KernelProvider(
      cacheDirectory: paths.cache.appendingPathComponent("kernels"), progress: { report(.preparing($0)) }
    ).kernel(explicit: options.kernel, modules: options.modules, version: options.kernelVersion)
    var spec = GuestImageSpec(kernel: kernel, modules: lesson.machine.guestModules, tools: lesson.machine.tools)
    var bootImage: BootPlan.BootImage?
    if let image = options.bootImage {
      // Only the drivers to reach the learner's disk and its agent port, then hand over to its own system.
      spec = GuestImageSpec(
        kernel: kernel, modules: Self.bootImageModules + lesson.machine.guestModules, tools: [], guestAgent: false,
        switchRoot: options.rootDevice)
      bootImage = BootPlan.BootImage(url: image, format: try await Blocking.run { try Self.imageFormat(image) })
    }
    // Building the image, calibrating lpj (a whole boot) and qemu-img block for seconds: each runs on a thread of its
    // own (``Blocking``), not on the cooperative pool.
    let (cache, imageSpec) = (paths.cache, spec)
    let initramfs = try await Blocking.run {
      try InitramfsBuilder(
        cacheDirectory: cache.appendingPathComponent("initramfs"), progress: { report(.preparing($0)) }
      ).image(for: imageSpec)
    }
    // lpj= is measured under TCG and holds only there: a KVM guest calibrates its own delay loop from the TSC.
    var measuredLPJ: Int??
    func lpj(for accelerator: BootPlan.Accelerator) async -> Int? {
      guard accelerator == .tcg else { return nil }
      if let measuredLPJ { return measuredLPJ }
      let value = await Blocking.run {
        try? LoopsPerJiffy.calibrated(
          kernel: kernel, initramfs: initramfs, cacheDirectory: cache, progress: { report(.preparing($0)) })
      }
      measuredLPJ = .some(value)
      return value
    }

    let choice = AcceleratorChoice(cacheDirectory: paths.cache)
    var decision = try choice.decide(options.accelerator)
    if let note = decision.note { report(.note(note)) }
    var attempt = 1
    while true {
      var plan = BootPlan(
        accelerator: decision.accelerator, kernel: kernel.fastBootImage, initrd: initramfs,
        kernelArguments: KernelCommandLine.words(
          for: lesson.machine, accelerator: decision.accelerator, lpj: await lpj(for: decision.accelerator)),
        sessionDirectory: directory.url,
        qbootImage: BootPlan.installedQboot)
      plan.bootImage = bootImage
      plan.networkAllowed = networkAllowed
      plan.vfioHosts = try VFIOHost.assign(to: lesson.machine, chosen: options.vfioDevices)
      if let adopted = try await WarmPool(paths: paths, report: report).beforeBoot(
        lesson, plan: plan, role: pool, target: directory)
      { return adopted }
      do {
        let timeout = decision.isProbe ? AcceleratorChoice.kvmDeadline : options.effectiveBootTimeout
        return try await boot(lesson, plan: plan, kernel: kernel, directory: directory, timeout: timeout)
      } catch LaunchError.bootTimedOut where decision.isProbe {
        choice.recordFailure()
        report(.note("KVM did not boot the guest within \(AcceleratorChoice.kvmDeadline); falling back to TCG (remembered until this host reboots)."))
        decision = AcceleratorChoice.Decision(accelerator: .tcg, isProbe: false, note: nil)
      } catch LaunchError.bootTimedOut(_, let seconds, _) where attempt < options.bootAttempts {
        report(.bootingAgain(attempt: attempt, seconds: seconds))
        attempt += 1
      }
    }
  }

  /// IDE disk, SCSI disk layer, the usual root file systems, and the virtio-serial port for the image's own qemu-ga.
  static let bootImageModules = ["ata_piix", "sd_mod", "crc32c_generic", "ext4", "virtio_pci", "virtio_console"]

  /// `qcow2` or `raw`, as `qemu-img info` reads the learner's image (QEMU refuses to guess raw formats).
  static func imageFormat(_ image: URL) throws -> String {
    guard FileManager.default.isReadableFile(atPath: image.path) else {
      throw LaunchError.diskCreation("the disk image \(image.path) does not exist or is not readable")
    }
    let info = try Command("qemu-img", ["info", "--output=json", image.path]).run()
    guard let format = (try? JSONValue.parse(info.stdoutText))?["format"]?.string else {
      throw LaunchError.diskCreation("qemu-img cannot read \(image.path)")
    }
    return format
  }

  /// One boot; any failure leaves no session folder behind (so `status` and `stop` never report a VM that never ran).
  private func boot(
    _ lesson: Lesson, plan: BootPlan, kernel: Kernel, directory: SessionDirectory, timeout: Duration
  ) async throws -> Running {
    do {
      return try await bootOnce(lesson, plan: plan, kernel: kernel, directory: directory, timeout: timeout)
    } catch {
      directory.remove()
      throw error
    }
  }

  private func bootOnce(
    _ lesson: Lesson, plan: BootPlan, kernel: Kernel, directory: SessionDirectory, timeout: Duration
  ) async throws -> Running {
    let started = ContinuousClock.now
    directory.remove()
    try Paths.ensureDirectory(directory.url)
    try SessionSpace.require(for: lesson.machine, at: directory.url)
    try await Blocking.run { [self] in try createDisks(lesson.machine, plan: plan) }
    let argv = QEMUCommandLine.arguments(for: lesson.machine, plan: plan)
    try JSONEncoder().encode(argv).write(to: directory.argvFile)

    // The supervisor reads `keep` from this pipe once the guest is up; if this process dies first, the pipe closes
    // and the supervisor takes QEMU down with the session.
    let (guardRead, guardWrite) = try Spawn.pipe("boot guard")
    let executable = try Self.ownExecutable()
    let supervisor: pid_t
    do {
      supervisor = try Spawn.run(
        [executable, "_supervise", directory.url.path], standard: .init(input: guardRead), newSession: true)
    } catch {
      try? closeOnce(guardRead, "boot guard")
      try? closeOnce(guardWrite, "boot guard")
      throw error
    }
    try? closeOnce(guardRead, "boot guard")  // the supervisor has its copy
    var record = SessionRecord(
      lesson: lesson.id, supervisorPID: supervisor, accelerator: plan.accelerator.rawValue,
      kernel: kernel.version, step: lesson.steps.first?.id)
    try directory.write(record)
    report(.starting(accelerator: plan.accelerator.rawValue))

    do {
      try await waitForGuest(lesson, directory: directory, plan: plan, supervisor: supervisor, timeout: timeout)
    } catch {
      try? closeOnce(guardWrite, "boot guard")  // end-of-file: the supervisor stops QEMU and removes the session
      _ = try? await Blocking.run { try Spawn.wait(supervisor) }
      throw error
    }
    // A supervisor that died meanwhile cannot read `keep`; the agent answered, so the session stands as far as it can.
    _ = try? Supervisor.keepWord.withCString { word in try syscall("write", "boot guard") { write(guardWrite, word, strlen(word)) } }
    try? closeOnce(guardWrite, "boot guard")
    if let updated = try? directory.readRecord() { record = updated }
    report(.ready(seconds: (ContinuousClock.now - started).seconds))
    return Running(directory: directory, record: record, plan: plan)
  }

  /// Polls the console log, the supervisor and the agent until the agent answers, QEMU dies, or time runs out.
  private func waitForGuest(
    _ lesson: Lesson, directory: SessionDirectory, plan: BootPlan, supervisor: pid_t, timeout: Duration
  ) async throws {
    let deadline = ContinuousClock.now + timeout
    var sawQEMU = false
    var sawGuest = false
    while ContinuousClock.now < deadline {
      if let exit = try? Spawn.poll(supervisor) {
        let reason = (try? String(contentsOf: directory.exitFile, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? "its supervisor \(exit)"
        throw LaunchError.qemuFailed(
          lesson: lesson.id, reason: reason, qemuOutput: directory.qemuOutputTail(),
          console: ConsoleLog(path: plan.layout.consoleLog.path).lastWords(lines: 10))
      }
      let console = (try? Data(contentsOf: plan.layout.consoleLog)) ?? Data()
      if !sawQEMU, FileManager.default.fileExists(atPath: plan.layout.qmpSocket.path) {
        sawQEMU = true
        report(.qemuRunning)
      }
      if !sawGuest, plan.bootImage != nil || String(decoding: console, as: UTF8.self).contains(InitScript.readyLine) {
        sawGuest = true
        report(.guestUp)
      }
      if sawGuest {
        let remaining = deadline - ContinuousClock.now
        if let agent = try? await GuestAgentClient.connect(path: plan.layout.agentSocket.path, timeout: Swift.min(remaining, Duration.seconds(2))) {
          defer { agent.close() }
          if (try? await agent.waitUntilReady(timeout: Swift.min(remaining, Duration.seconds(5)))) != nil { return }
        }
      }
      try await Task.sleep(for: .milliseconds(plan.bootImage != nil ? 200 : sawGuest ? 2 : 10))
    }
    throw LaunchError.bootTimedOut(
      lesson: lesson.id, seconds: Int(timeout.seconds), console: ConsoleLog(path: plan.layout.consoleLog.path).lastWords(lines: 10))
  }

  private func createDisks(_ machine: Machine, plan: BootPlan) throws {
    for disk in machine.disks {
      let result = try Command(
        "qemu-img", ["create", "-q", "-f", disk.format.rawValue, plan.layout.diskImage(disk).path, String(disk.size.bytes)]
      ).output()
      guard result.status == 0 else { throw LaunchError.diskCreation(result.stderrText) }
    }
  }

  /// This program's own path, to start the supervisor as `qlearn _supervise`.
  static func ownExecutable() throws -> String {
    let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    return path
  }
}

extension Duration {
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
