import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Boots real lessons in real QEMU under TCG through the `qlearn` command, as a learner or a script would.
@Suite(.serialized) struct SessionIntegrationTests {
  @Test func nvmeLessonShowsTheSeedsQueues() throws {
    let cli = try QLearnCLI()
    let start = try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    let interrupts = try cli.run(["exec", "--", "grep", "-o", "nvme0q[0-9]*", "/proc/interrupts"])
    #expect(interrupts.status == 0, "\(interrupts.stderrText)")
    #expect(interrupts.stdoutText.split(separator: "\n") == ["nvme0q0", "nvme0q1", "nvme0q2", "nvme0q3", "nvme0q4"])
    let queues = try cli.run(["exec", "--", "ls", "/sys/block/nvme0n1/mq"])
    #expect(queues.stdoutText.split(separator: "\n") == ["0", "1", "2", "3"])
    let failing = try cli.run(["exec", "--", "sh", "-c", "echo oops >&2; exit 3"])
    #expect(failing.status == 3)
    #expect(failing.stderrText == "oops\n")
    let status = try cli.run(["status"])
    #expect(status.stdoutText.contains("nvme-queues"))
    #expect(status.stdoutText.contains("tcg"))
  }

  @Test func scsiLessonShowsMegasasOnChannelTwo() throws {
    let cli = try QLearnCLI()
    let start = try cli.run(["start", "scsi-addressing", "--detach", "--accel", "tcg"])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    let devices = try cli.run(["exec", "--", "ls", "/sys/class/scsi_device"])
    let names = devices.stdoutText.split(separator: "\n").map(String.init)
    #expect(names.contains("0:2:0:0"))
    #expect(names.contains("0:2:1:0"))
    #expect(names.contains("1:0:0:1"), "the virtio-scsi disk at LUN 1")
  }

  @Test func killingQlearnDuringBootLeavesNoQEMU() async throws {
    let cli = try QLearnCLI()
    let child = try cli.spawn(["start", "nvme-queues", "--detach", "--accel", "tcg"])
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    // Wait until QEMU is running under its supervisor, then kill qlearn the hard way.
    var qemu: Int32?
    for _ in 0..<400 {
      if let pid = try? session.readRecord().qemuPID { qemu = pid; break }
      try await Task.sleep(for: .milliseconds(5))
    }
    let pid = try #require(qemu, "QEMU never started")
    #expect(Spawn.isAlive(pid))
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    var gone = false
    for _ in 0..<100 {
      if !Spawn.isAlive(pid) && !FileManager.default.fileExists(atPath: session.url.path) { gone = true; break }
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(gone, "QEMU \(pid) or its session outlived a SIGKILLed qlearn")
    #expect(try cli.run(["status"]).stdoutText.contains("No lesson VM is running"))
  }

  /// A boot that never reaches the agent is tried once more, saying so, and then reported; nothing is left behind.
  @Test func aHungBootIsTriedOnceMoreThenReported() throws {
    let cli = try QLearnCLI()
    // No guest is ready within a second under TCG: both attempts time out.
    let start = try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg", "--boot-timeout", "1"])
    #expect(start.status != 0)
    let lines = start.stderrText.split(separator: "\n").map(String.init)
    let again = try #require(lines.firstIndex { $0.contains("boot 1 did not reach the guest agent within 1 s") })
    #expect(lines[again].contains("booting again"))
    let failure = try #require(lines.lastIndex { $0.contains("1 s") }, "\(start.stderrText)")
    #expect(again < failure)
    #expect(!start.stderrText.contains("boot 2 did not reach"), "only one retry")
    #expect(try cli.run(["status"]).stdoutText.contains("No lesson VM is running"))
  }

  @Test func aVMWhoseQEMUDiesIsReportedClearly() async throws {
    let cli = try QLearnCLI()
    #expect(try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"]).status == 0)
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    let pid = try #require(try session.readRecord().qemuPID)
    kill(pid, SIGKILL)
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: session.exitFile.path) {
      try await Task.sleep(for: .milliseconds(20))
    }
    let exec = try cli.run(["exec", "--lesson", "nvme-queues", "--", "true"])
    #expect(exec.status == 1)
    #expect(exec.stderrText.contains("The VM of 'nvme-queues' is gone: QEMU was killed by signal 9"), "\(exec.stderrText)")
    #expect(exec.stderrText.contains("qlearn start nvme-queues"))
    let status = try cli.run(["status"])
    #expect(status.status == 0)
    #expect(status.stdoutText.contains("No lesson VM is running"))
    #expect(!FileManager.default.fileExists(atPath: session.url.path))
  }

  @Test func aGuestThatPowersItselfOffIsReportedWithItsLastConsoleLines() async throws {
    let cli = try QLearnCLI()
    #expect(try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"]).status == 0)
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    // The agent's request never completes: the guest is gone before it can answer.
    _ = try cli.run(["exec", "--lesson", "nvme-queues", "--", "sh", "-c", "echo 1 > /proc/sys/kernel/sysrq; echo o > /proc/sysrq-trigger"])
    for _ in 0..<250 where !FileManager.default.fileExists(atPath: session.exitFile.path) {
      try await Task.sleep(for: .milliseconds(20))
    }
    let exec = try cli.run(["exec", "--lesson", "nvme-queues", "--", "true"])
    #expect(exec.status == 1)
    #expect(exec.stderrText.contains("The VM of 'nvme-queues' is gone: QEMU exited with status 0"), "\(exec.stderrText)")
    let console = try #require(exec.stderrText.range(of: "Last console lines:\n"), "\(exec.stderrText)")
    #expect(exec.stderrText[console.upperBound...].contains("Power down"), "\(exec.stderrText)")
    #expect(!FileManager.default.fileExists(atPath: session.url.path))
  }

  @Test func aGuestThatPowersOffUnderTheLearnersConsoleIsReportedWithItsLastLines() throws {
    let cli = try QLearnCLI()
    #expect(try cli.run(["start", "nvme-queues", "--detach", "--accel", "tcg"]).status == 0)
    defer { _ = try? cli.run(["stop", "--all"]) }
    // The learner types the power-off on the console; the input stays open, so only the VM's end can end attach.
    let qlearn = try qlearnExecutableURL().path
    let typed = "echo 1 > /proc/sys/kernel/sysrq; echo o > /proc/sysrq-trigger"
    let attach = try Command(
      "sh", ["-c", "(printf '%s\\n' \"$1\"; sleep 5) | \"$0\" attach nvme-queues", qlearn, typed],
      currentDirectory: Repository.root, environment: cli.environment
    ).output()
    #expect(attach.status == 1)
    #expect(attach.stderrText.contains("The VM of 'nvme-queues' is gone: QEMU exited with status 0"), "\(attach.stderrText)")
    let console = try #require(attach.stderrText.range(of: "Last console lines:\n"), "\(attach.stderrText)")
    #expect(attach.stderrText[console.upperBound...].contains("Power down"), "\(attach.stderrText)")
    #expect(!FileManager.default.fileExists(atPath: SessionDirectory.forLesson("nvme-queues", paths: cli.paths).url.path))
  }

  @Test func aCommaInAValueReachesQEMUAsALiteralComma() async throws {
    // Lint refuses such a serial (see the serial-with-comma fixture); this proves the second line of defence: were
    // one to get through, QEMU's own quoting keeps it one value instead of a new option.
    let argument = QEMUCommandLine.option("nvme", [("serial", "x,file=/etc/passwd"), ("drive", "d0")])
    #expect(argument == "nvme,serial=x,,file=/etc/passwd,drive=d0")
    let directory = try Repository.temporaryDirectory()
    let qmp = directory.appendingPathComponent("qmp.sock").path
    let hostile = "x,file=/etc/passwd"
    let process = try Spawn.run([
      try #require(Command.which("qemu-system-x86_64")).path, "-machine", "none", "-nodefaults", "-display", "none",
      "-S", "-name", QEMUCommandLine.keyValues([("guest", hostile)]), "-qmp", "unix:\(qmp),server=on,wait=off",
    ])
    defer {
      kill(process, SIGKILL)
      _ = try? Spawn.wait(process)
    }
    let client = try await QMPClient.connect(path: qmp, timeout: .seconds(10))
    defer { client.close() }
    let name = try await client.execute("query-name")
    #expect(name["name"]?.string == hostile)
  }
}
