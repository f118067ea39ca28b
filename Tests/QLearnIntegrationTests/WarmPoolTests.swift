import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The warm pool's rules that need no VM: what its key covers, and how a budget is read.
@Suite struct WarmPoolUnitTests {
  func lesson(in folder: URL) throws -> Lesson {
    let course = Course(paths: [folder])
    return try #require(course.lesson("good-lesson"))
  }

  func plan(_ lesson: Lesson, session: String) -> BootPlan {
    BootPlan(
      accelerator: .tcg, kernel: URL(fileURLWithPath: "/boot/none"), initrd: nil, kernelArguments: ["quiet"],
      sessionDirectory: URL(fileURLWithPath: session), qbootImage: nil)
  }

  @Test func thePoolKeyCoversTheLessonFileButNotTheSessionFolder() throws {
    let folder = try Repository.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("good-lesson.md")
    try FileManager.default.copyItem(
      at: Repository.root.appendingPathComponent("Tests/QLearnTestSupport/Fixtures/lessons/good/good-lesson.md"), to: file)
    let original = try lesson(in: folder)
    let key = PoolKey(lesson: original, plan: plan(original, session: "/run/pool/good-lesson.1234"))
    #expect(key == PoolKey(lesson: original, plan: plan(original, session: "/run/sessions/good-lesson")))

    var other = plan(original, session: "/run/pool/good-lesson.1234")
    other.kernelArguments.append("lpj=1")
    #expect(key != PoolKey(lesson: original, plan: other))
    #expect(PoolKey(lesson: original, plan: other).changes(from: key) == ["QEMU command line"])

    // An edit anywhere in the file (here only the prose) makes it another lesson for the pool.
    try (String(contentsOf: file, encoding: .utf8) + "\nMore text.\n").write(to: file, atomically: true, encoding: .utf8)
    let edited = try lesson(in: folder)
    let editedKey = PoolKey(lesson: edited, plan: plan(edited, session: "/run/pool/good-lesson.1234"))
    #expect(key != editedKey)
    #expect(editedKey.changes(from: key) == ["lesson file"])
  }

  @Test func aBudgetIsASizeOrAShareOfAvailableMemory() throws {
    let available: UInt64 = 8 << 30
    let pooled: UInt64 = 2 << 30
    let standard = try PoolBudget.resolve(nil, available: available, pooled: pooled)
    #expect(standard.bytes == (10 << 30) / 100 * UInt64(PoolBudget.defaultShare))
    #expect(standard.origin.contains("\(PoolBudget.defaultShare) %"))
    #expect(try PoolBudget.resolve("50%", available: available, pooled: pooled).bytes == (10 << 30) / 100 * 50)
    #expect(try PoolBudget.resolve("768M", available: available, pooled: pooled).bytes == 768 << 20)
    #expect(throws: PoolError.badBudget("lots")) { try PoolBudget.resolve("lots", available: available, pooled: pooled) }
    #expect(throws: PoolError.badBudget("150%")) { try PoolBudget.resolve("150%", available: available, pooled: pooled) }
  }

  @Test func meminfoAndStatusFiguresAreReadInBytes() {
    #expect(PoolBudget.memAvailable(meminfo: "MemTotal:  100 kB\nMemAvailable:   \t2048 kB\n") == 2048 * 1024)
    #expect(PoolBudget.residentBytes(of: getpid()) > 0)
  }
}

/// The warm pool through the CLI, booting real guests under TCG: fill, adopt, discard, budget, idle CPU.
@Suite(.serialized) struct WarmPoolIntegrationTests {
  /// `qlearn` with the pool on (one VM per lesson) and no background refill, so each test decides what boots.
  struct PoolCLI {
    let cli: QLearnCLI
    init() throws { cli = try QLearnCLI() }

    var environment: [String: String] {
      var environment = cli.environment
      environment["QLEARN_POOL_SIZE"] = "1"
      environment["QLEARN_POOL_REFILL"] = "0"
      environment.removeValue(forKey: PoolBudget.environmentVariable)
      return environment
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> Command.Output {
      try Command(try qlearnExecutableURL().path, arguments, currentDirectory: Repository.root, environment: environment)
        .output()
    }

    var pool: WarmPool { WarmPool(paths: cli.paths) }

    /// The QEMU of the only pooled guest.
    func pooledQEMU() throws -> Int32 {
      let slots = pool.slots()
      try #require(slots.count == 1, "the pool holds \(slots.count) guests")
      return try #require(try slots[0].directory.readRecord().qemuPID)
    }

    func cleanUp() {
      _ = try? run(["stop", "--all"])
      for lesson in ["nvme-queues", "good-lesson"] { _ = try? run(["stop", lesson]) }
      _ = try? run(["pool", "drain"])
      try? FileManager.default.removeItem(at: cli.home)
    }
  }

  static func cpuTicks(_ pid: Int32) throws -> Int {
    let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    // Fields after the command name in parentheses: state is field 3, utime 14 and stime 15.
    let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
    return Int(fields[11])! + Int(fields[12])!
  }

  @Test func anAdoptedGuestHasTheLessonsDevicesAFreshBaselineAndNothingFromAPreviousLearner() async throws {
    let q = try PoolCLI()
    defer { q.cleanUp() }
    // A first learner uses a pooled guest and leaves a file behind.
    let fill = try q.run(["pool", "fill", "nvme-queues", "--accel", "tcg"])
    #expect(fill.status == 0, "\(fill.stderrText)")
    #expect(try q.run(["pool"]).stdoutText.contains("paused"))
    #expect(try q.run(["status"]).stdoutText.contains("(pooled, paused)"))
    let first = try q.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(first.status == 0, "\(first.stderrText)")
    #expect(first.stderrText.contains("adopted a VM from the warm pool"))
    #expect(try q.run(["exec", "--", "sh", "-c", "echo left > /root/previous-learner"]).status == 0)
    #expect(try q.run(["stop", "nvme-queues"]).status == 0)
    #expect(q.pool.slots().isEmpty, "an adopted guest never goes back to the pool")

    // The next learner gets another pooled guest: its own devices, clock, record, and none of the first one's files.
    #expect(try q.run(["pool", "fill", "nvme-queues", "--accel", "tcg"]).status == 0)
    try await Task.sleep(for: .seconds(3))  // the guest's clock stands still while it is paused
    let beforeStart = Date()
    let second = try q.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(second.status == 0, "\(second.stderrText)")
    #expect(second.stderrText.contains("adopted a VM from the warm pool"))
    let devices = try q.run(["exec", "--", "sh", "-c", "ls /dev/nvme0n1 && grep -c nvme0q /proc/interrupts"])
    #expect(devices.status == 0, "\(devices.stderrText)")
    #expect(devices.stdoutText.contains("/dev/nvme0n1"))
    let leftover = try q.run(["exec", "--", "sh", "-c", "test -e /root/previous-learner && echo found || echo none"])
    #expect(leftover.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "none")
    let clock = try q.run(["exec", "--", "date", "+%s"])
    let guestTime = try #require(Double(clock.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(abs(guestTime - Date().timeIntervalSince1970) < 3, "the guest clock was set on adoption")

    let session = SessionDirectory.forLesson("nvme-queues", paths: q.cli.paths)
    let record = try session.readRecord()
    #expect(record.startedAt >= beforeStart.addingTimeInterval(-1), "the record starts at adoption, not at the pooled boot")
    #expect(record.step == "count-vectors" && record.stepStartedAt == nil)
    #expect(!FileManager.default.fileExists(atPath: StepBaseline.file(in: session).path))
    #expect(!FileManager.default.fileExists(atPath: session.answerFile.path))
    // The first step's baseline is then taken as after a fresh boot: the boot mark, counters from zero, now.
    let live = LiveSession(directory: session, lesson: "nvme-queues")
    let baselineMark = try await GuestProbes.bootMark(live)
    await live.close()
    #expect(baselineMark != nil)
    let check = try q.run(["check", "--lesson", "nvme-queues"])
    #expect(!check.stderrText.contains("Error:"), "\(check.stderrText)")
    let baseline = try #require(StepBaseline.load(from: session))
    #expect(baseline.step == "count-vectors" && baseline.interrupts == nil && baseline.dmesg == baselineMark)
    #expect(baseline.takenAt >= beforeStart.addingTimeInterval(-1))
    // The supervisor followed its folder: stopping removes the session and ends QEMU.
    let qemu = try #require(record.qemuPID)
    #expect(try q.run(["stop", "nvme-queues"]).status == 0)
    #expect(!FileManager.default.fileExists(atPath: session.url.path))
    #expect(!Spawn.isAlive(qemu))
  }

  @Test func aPooledGuestIsDiscardedWhenItsLessonFileChanges() throws {
    let q = try PoolCLI()
    defer { q.cleanUp() }
    let folder = q.cli.home.appendingPathComponent("lessons")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("good-lesson.md")
    try FileManager.default.copyItem(
      at: Repository.root.appendingPathComponent("Tests/QLearnTestSupport/Fixtures/lessons/good/good-lesson.md"), to: file)
    let lessons = ["--lessons", folder.path]
    let fill = try q.run(["pool", "fill", "good-lesson", "--accel", "tcg"] + lessons)
    #expect(fill.status == 0, "\(fill.stderrText)")
    let pooled = try q.pooledQEMU()

    try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "Text.", with: "Edited text.")
      .write(to: file, atomically: true, encoding: .utf8)
    let start = try q.run(["start", "good-lesson", "--detach", "--accel", "tcg"] + lessons)
    #expect(start.status == 0, "\(start.stderrText)")
    #expect(start.stderrText.contains("discarded a pooled VM of good-lesson: its lesson file changed since it was booted"))
    #expect(!start.stderrText.contains("adopted"))
    #expect(q.pool.slots().isEmpty)
    #expect(!Spawn.isAlive(pooled), "the discarded guest's QEMU is stopped")
    let record = try SessionDirectory.forLesson("good-lesson", paths: q.cli.paths).readRecord()
    #expect(record.qemuPID != pooled, "the session is a fresh boot")
  }

  @Test func fillingPastTheBudgetIsRefusedWithTheReason() throws {
    let q = try PoolCLI()
    defer { q.cleanUp() }
    // nvme-queues has 512M of RAM: counted as 640 MiB while booting, its QEMU's resident memory once paused.
    let refused = try q.run(["pool", "fill", "nvme-queues", "--accel", "tcg", "--budget", "600M"])
    #expect(refused.status != 0)
    #expect(refused.stderrText.contains("Not booting a pooled VM of 'nvme-queues': it needs up to 640 MiB"))
    #expect(refused.stderrText.contains("set to 600M"))
    #expect(refused.stderrText.contains("qlearn pool drain"))
    #expect(q.pool.slots().isEmpty, "nothing booted")

    // Room for one: the second is refused once the first holds memory.
    let fill = try q.run(["pool", "fill", "nvme-queues", "--accel", "tcg", "--budget", "800M", "--size", "2"])
    #expect(fill.status != 0)
    #expect(fill.stdoutText.contains("booted and paused in the pool"), "\(fill.stdoutText)")
    #expect(fill.stderrText.contains("budget (set to 800M)"), "\(fill.stderrText)")
    #expect(q.pool.slots().count == 1)
  }

  @Test func finishingALessonFillsThePoolWithTheNextLessonInCourseOrder() async throws {
    let q = try PoolCLI()
    defer { q.cleanUp() }
    let folder = q.cli.home.appendingPathComponent("lessons")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let text = try String(
      contentsOf: Repository.root.appendingPathComponent("Tests/QLearnTestSupport/Fixtures/lessons/good/good-lesson.md"),
      encoding: .utf8)
    try text.write(to: folder.appendingPathComponent("good-lesson.md"), atomically: true, encoding: .utf8)
    try text.replacingOccurrences(of: "id: good-lesson", with: "id: next-lesson")
      .write(to: folder.appendingPathComponent("next-lesson.md"), atomically: true, encoding: .utf8)
    try "good-lesson\nnext-lesson\n".write(to: folder.appendingPathComponent("ORDER"), atomically: true, encoding: .utf8)
    let lessons = ["--lessons", folder.path]
    #expect(try q.run(["start", "good-lesson", "--detach", "--accel", "tcg"] + lessons).status == 0)
    #expect(try q.run(["answer", "5", "--lesson", "good-lesson"] + lessons).status == 0)
    #expect(q.pool.slots().isEmpty, "nothing is pooled before the lesson is finished")
    let check = try q.run(["check", "--lesson", "good-lesson"] + lessons)
    #expect(check.stdoutText.contains("you have finished every step of 'good-lesson'"), "\(check.stdoutText)\(check.stderrText)")
    let deadline = ContinuousClock.now + .seconds(120)
    while ContinuousClock.now < deadline,
      !q.pool.slots().contains(where: { $0.ticket.lesson == "next-lesson" && $0.ticket.state == .paused })
    {
      try await Task.sleep(for: .milliseconds(500))
    }
    #expect(q.pool.slots().map(\.ticket.lesson) == ["next-lesson"])
    #expect(q.pool.slots().first?.ticket.state == .paused)
  }

  @Test func anIdlePooledGuestUsesNoCPU() async throws {
    let q = try PoolCLI()
    defer { q.cleanUp() }
    #expect(try q.run(["pool", "fill", "nvme-queues", "--accel", "tcg"]).status == 0)
    let qemu = try q.pooledQEMU()
    let before = try Self.cpuTicks(qemu)
    try await Task.sleep(for: .seconds(5))
    let after = try Self.cpuTicks(qemu)
    #expect(after - before <= 1, "a paused guest's QEMU used \(after - before) ticks in 5 s")
    #expect(Spawn.isAlive(qemu))
  }
}
