import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// `qlearn reset --step` (and `goto` back) brings the VM to a step's starting state: from the checkpoint saved when the
/// step began on a machine QEMU can migrate, by a fresh boot and replay on one it cannot (NVMe). Either way the step's
/// checks fail afterwards (the learner's action is undone) and pass once its reference solution is applied again, and
/// the learner's progress stays.
@Suite(.serialized) struct StepResetTests {
  // MARK: Pure parts

  func checkpoint(_ step: String, _ sequence: Int) -> Checkpoint {
    Checkpoint(step: step, sequence: sequence, takenAt: Date(timeIntervalSince1970: Double(sequence)), stepStartedAt: nil)
  }

  @Test func theRouteIsTheNewestCheckpointOfTheStepElseReplayWithTheReason() {
    let kept = [checkpoint("a", 1), checkpoint("b", 2), checkpoint("a", 3)]
    #expect(StepReset.route(step: "a", kept: kept, blocked: nil, limit: 3) == .checkpoint(checkpoint("a", 3)))
    guard case .replay(let missing) = StepReset.route(step: "c", kept: kept, blocked: nil, limit: 3) else {
      Issue.record("a step without a checkpoint must replay")
      return
    }
    #expect(missing.contains("no checkpoint of step 'c'"))
    let nvme = "non-migratable device: 0000:00:04.0/nvme"
    #expect(StepReset.route(step: "a", kept: kept, blocked: nvme, limit: 3) == .replay(reason: "QEMU cannot save this machine (\(nvme))"))
    #expect(StepReset.route(step: "a", kept: kept, blocked: nil, limit: 0) == .replay(reason: "checkpoints are off (QLEARN_CHECKPOINTS=0)"))
  }

  @Test func pruningDropsSupersededCheckpointsThenTheOldest() {
    let kept = [checkpoint("a", 1), checkpoint("b", 2), checkpoint("a", 3), checkpoint("c", 4), checkpoint("d", 5)]
    #expect(CheckpointShelf.surplus(kept, limit: 3).map(\.sequence) == [1, 2])
    #expect(CheckpointShelf.surplus(kept, limit: 10).map(\.sequence) == [1])
    #expect(CheckpointShelf.surplus(kept, limit: 0).map(\.sequence) == [1, 2, 3, 4, 5])
  }

  @Test func theShelfNamesListsAndPrunesCheckpointFolders() throws {
    let session = SessionDirectory(url: try Repository.temporaryDirectory())
    defer { session.remove() }
    let shelf = CheckpointShelf(session: session, limit: 2)
    #expect(shelf.nextSequence() == 1)
    for (index, step) in ["one", "two", "one", "three"].enumerated() {
      let saved = checkpoint(step, index + 1)
      #expect(saved.folderName == String(format: "%06d-", index + 1) + step)
      try Paths.ensureDirectory(shelf.directory(of: saved))
      try JSONEncoder.session.encode(saved).write(
        to: shelf.directory(of: saved).appendingPathComponent(Checkpoint.metadataName))
    }
    try Paths.ensureDirectory(shelf.folder.appendingPathComponent("000009-unfinished"))  // a save that died midway
    #expect(shelf.nextSequence() == 10)
    #expect(shelf.latest(of: "one")?.sequence == 3)
    shelf.prune()
    #expect(shelf.all().map(\.folderName) == ["000003-one", "000004-three"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: shelf.folder.path).sorted() == ["000003-one", "000004-three"])
  }

  @Test func theRestoredQEMUHasTheSameCommandLineWaitingForItsStateAndAppendsToTheConsoleLog() {
    let argv = ["qemu-system-x86_64", "-chardev", "socket,id=console,path=/s/console.sock,logfile=/s/console.log", "-m", "512M"]
    #expect(
      CheckpointRestorer.incomingArguments(argv) == [
        "qemu-system-x86_64", "-chardev", "socket,id=console,path=/s/console.sock,logfile=/s/console.log,logappend=on",
        "-m", "512M", "-incoming", "defer",
      ])
  }

  @Test func anAdoptedGuestsCommandLineFollowsItsFolder() {
    let argv = ["qemu", "-chardev", "socket,id=qmp,path=/r/pool/a,,b.1/qmp.sock", "-drive", "file=/r/pool/a,,b.1/disk-d.qcow2", "-kernel", "/r/pool/a,b.1x/k"]
    #expect(
      CheckpointRestorer.relocated(argv, from: "/r/pool/a,b.1", to: "/r/sessions/les") == [
        "qemu", "-chardev", "socket,id=qmp,path=/r/sessions/les/qmp.sock", "-drive", "file=/r/sessions/les/disk-d.qcow2",
        "-kernel", "/r/pool/a,b.1x/k",
      ])
  }

  @Test func aDescriptorPassedWithGetfdReachesQEMUAndTakesTheMigrationStream() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    await #expect(throws: QMPError.self) { try await qmp.execute("getfd", arguments: ["fdname": "none"]) }
    let session = SessionDirectory(url: URL(fileURLWithPath: socket).deletingLastPathComponent())
    let outcome = try await CheckpointSaver(session: session, shelf: CheckpointShelf(session: session, limit: 2))
      .save(step: "one", stepStartedAt: nil, qmp: qmp)
    guard case .saved(let checkpoint) = outcome else {
      Issue.record("expected a checkpoint, got \(outcome)")
      return
    }
    let state = CheckpointShelf(session: session).directory(of: checkpoint).appendingPathComponent(Checkpoint.stateName)
    let header = try FileHandle(forReadingFrom: state).read(upToCount: 4)
    #expect(header == Data("QEVM".utf8), "QEMU wrote its migration stream (magic QEVM) into the file qlearn opened")
  }

  // MARK: Real QEMU under TCG

  func attempts(_ cli: QLearnCLI, _ lesson: String, _ step: String) throws -> Int {
    try ProgressStore(directory: cli.paths.data).progress(lesson: lesson, steps: [step]).steps.first?.attempts ?? -1
  }

  @Test func aStepOfAMigratableMachineIsResetFromItsCheckpoint() throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["start", "virtio-blk-queues", "--detach", "--accel", "tcg"]).status == 0)
    #expect(try cli.run(["goto", "fewer-queues"]).status == 0)
    let shelf = CheckpointShelf(session: SessionDirectory.forLesson("virtio-blk-queues", paths: cli.paths))
    #expect(shelf.all().map(\.step) == ["count-queues", "fewer-queues"], "one checkpoint at start, one at the goto")
    #expect(try cli.run(["check"]).status == 1)
    let solution = ["exec", "--", "sh", "-c", "rmmod virtio_blk && modprobe virtio_blk num_request_queues=2"]
    #expect(try cli.run(solution).status == 0)

    let reset = try cli.run(["reset", "--step"])
    #expect(reset.status == 0, "\(reset.stderrText)")
    #expect(reset.stdoutText.contains("Resetting step 3/3 fewer-queues from its checkpoint"), "\(reset.stdoutText)")
    #expect(reset.stdoutText.contains("is back at its start"), "\(reset.stdoutText)")
    #expect(try attempts(cli, "virtio-blk-queues", "fewer-queues") == 1, "progress is kept")
    let queues = try cli.run(["exec", "--", "ls", "/sys/block/vda/mq"]).stdoutText.split(separator: "\n")
    #expect(queues.count == 4, "the driver has its four queues again")
    let undone = try cli.run(["check"])
    #expect(undone.status == 1, "\(undone.stdoutText)")

    #expect(try cli.run(solution).status == 0)
    let done = try cli.run(["check"])
    #expect(done.status == 0, "\(done.stdoutText)")
    #expect(try attempts(cli, "virtio-blk-queues", "fewer-queues") == 3)
  }

  @Test func gotoBackResetsTheEarlierStepFromItsCheckpoint() throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["start", "virtio-blk-queues", "--detach", "--accel", "tcg"]).status == 0)
    #expect(try cli.run(["answer", "4"]).status == 0)
    #expect(try cli.run(["check"]).status == 0)
    let back = try cli.run(["goto", "count-queues"])
    #expect(back.status == 0, "\(back.stderrText)")
    #expect(back.stdoutText.contains("Resetting step 1/3 count-queues from its checkpoint"), "\(back.stdoutText)")
    #expect(try cli.run(["check"]).status == 1, "the answer went with the reset")
    #expect(try cli.run(["answer", "4"]).status == 0)
    #expect(try cli.run(["check"]).status == 0)
  }

  @Test func aGuestAdoptedFromThePoolBringsItsFirstCheckpoint() throws {
    let cli = try QLearnCLI()
    var environment = cli.environment
    environment["QLEARN_POOL_SIZE"] = "1"
    environment["QLEARN_POOL_REFILL"] = "0"
    let pooled = { (arguments: [String]) in
      try Command(try qlearnExecutableURL().path, arguments, currentDirectory: Repository.root, environment: environment).output()
    }
    defer {
      _ = try? cli.run(["stop", "--all"])
      _ = try? pooled(["pool", "drain"])
    }
    #expect(try pooled(["pool", "fill", "virtio-blk-queues", "--accel", "tcg", "--size", "1"]).status == 0)
    let start = try pooled(["start", "virtio-blk-queues", "--detach", "--accel", "tcg"])
    #expect(start.stderrText.contains("adopted a VM from the warm pool"), "\(start.stderrText)")
    let session = SessionDirectory.forLesson("virtio-blk-queues", paths: cli.paths)
    #expect(CheckpointShelf(session: session).all().map(\.step) == ["count-queues"], "saved by the pool, not by start")
    #expect(try cli.run(["answer", "4"]).status == 0)
    let reset = try cli.run(["reset", "--step"])
    #expect(reset.stdoutText.contains("from its checkpoint"), "\(reset.stdoutText) \(reset.stderrText)")
    #expect(try cli.run(["check"]).status == 1, "the answer went with the reset")
    #expect(try cli.run(["exec", "--", "true"]).status == 0, "the restored QEMU runs in the lesson's folder")
  }

  @Test func aStepOfAnNVMeMachineIsResetByAFreshBootAndReplay() throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"]).status == 0)
    #expect(try cli.run(["goto", "pin-io"]).status == 0)
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    #expect(CheckpointShelf(session: session).all().isEmpty)
    #expect(CheckpointShelf(session: session).blockedReasons()?.contains("nvme") == true, "QEMU said why")
    let solution = ["exec", "--", "taskset", "-c", "2", "dd", "if=/dev/nvme0n1", "of=/dev/null", "bs=4k", "count=256", "iflag=direct"]
    #expect(try cli.run(solution).status == 0)
    let firstQEMU = try session.readRecord().qemuPID

    let reset = try cli.run(["reset", "--step"])
    #expect(reset.status == 0, "\(reset.stderrText)")
    #expect(reset.stdoutText.contains("by a fresh boot"), "\(reset.stdoutText)")
    #expect(reset.stdoutText.contains("QEMU cannot save this machine (non-migratable device:"), "\(reset.stdoutText)")
    #expect(reset.stdoutText.contains("step 1/5 count-vectors: applied"), "\(reset.stdoutText)")
    #expect(try session.readRecord().qemuPID != firstQEMU)
    #expect(try session.readRecord().step == "pin-io")
    let undone = try cli.run(["check"])
    #expect(undone.status == 1, "\(undone.stdoutText)")

    #expect(try cli.run(solution).status == 0)
    let done = try cli.run(["check"])
    #expect(done.status == 0, "\(done.stdoutText)")
    #expect(try attempts(cli, "nvme-queues", "pin-io") == 2, "progress is kept")
  }
}
