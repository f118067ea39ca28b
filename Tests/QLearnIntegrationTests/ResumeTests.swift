import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// A learner who comes back after the VM died, or jumps ahead with `goto`, finds the VM in that step's starting state.
@Suite(.serialized) struct ResumeTests {
  func disks(_ cli: QLearnCLI) throws -> [String] {
    try cli.run(["exec", "--", "ls", "/sys/class/scsi_device"]).stdoutText.split(separator: "\n").map(String.init)
  }

  @Test func startingAgainAfterQEMUDiedResumesAtTheFirstOpenStep() async throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["start", "scsi-addressing", "--detach", "--accel", "tcg"]).status == 0)
    #expect(try cli.run(["answer", "0:2:1:0"]).status == 0)
    #expect(try cli.run(["check"]).status == 0)
    #expect(try cli.run(["exec", "--", "sh", "-c", "echo 1 > /sys/class/scsi_device/0:2:1:0/device/delete"]).status == 0)
    #expect(try cli.run(["check"]).status == 0)
    let session = SessionDirectory.forLesson("scsi-addressing", paths: cli.paths)
    kill(try #require(try session.readRecord().qemuPID), SIGKILL)
    try await Task.sleep(for: .seconds(1))

    let again = try cli.run(["start", "scsi-addressing", "--detach", "--accel", "tcg"])
    #expect(again.status == 0, "\(again.stderrText)")
    #expect(again.stderrText.contains("Resuming scsi-addressing at step 3/3 rescan-host"), "\(again.stderrText)")
    #expect(again.stderrText.contains("step 1/3 read-address: applied"), "\(again.stderrText)")
    #expect(again.stderrText.contains("step 2/3 delete-disk: applied"), "\(again.stderrText)")
    #expect(try session.readRecord().step == "rescan-host")
    #expect(!(try disks(cli)).contains("0:2:1:0"), "the earlier steps' state is back: the disk is deleted")
    // The step itself is the learner's to do, and grades as usual.
    #expect(try cli.run(["check"]).status == 1)
    #expect(try cli.run(["exec", "--", "sh", "-c", "echo '- - -' > /sys/class/scsi_host/host0/scan"]).status == 0)
    try await Task.sleep(for: .seconds(4))
    let done = try cli.run(["check"])
    #expect(done.status == 0, "\(done.stdoutText)")
    #expect(done.stdoutText.contains("Congratulations"), "\(done.stdoutText)")

    // --fresh: step 1 on a clean machine, progress kept.
    #expect(try cli.run(["stop", "--all"]).status == 0)
    let fresh = try cli.run(["start", "scsi-addressing", "--fresh", "--detach", "--accel", "tcg"])
    #expect(fresh.status == 0)
    #expect(!fresh.stderrText.contains("Resuming"))
    #expect(try session.readRecord().step == "read-address")
    #expect(try disks(cli).contains("0:2:1:0"))
  }

  @Test func gotoALaterStepAppliesTheStepsInBetween() throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    #expect(try cli.run(["start", "scsi-addressing", "--detach", "--accel", "tcg"]).status == 0)
    let goto = try cli.run(["goto", "rescan-host"])
    #expect(goto.status == 0, "\(goto.stderrText)")
    #expect(goto.stdoutText.contains("step 1/3 read-address: applied"), "\(goto.stdoutText)")
    #expect(goto.stdoutText.contains("step 2/3 delete-disk: applied"), "\(goto.stdoutText)")
    #expect(goto.stdoutText.contains("Step 3/3 rescan-host"))
    #expect(!(try disks(cli)).contains("0:2:1:0"))
    // Back to step 1 with --no-apply leaves the VM as it is (StepResetTests covers going back with a reset); forward
    // again skips what already holds (the disk is still deleted).
    #expect(try cli.run(["goto", "read-address", "--no-apply"]).stdoutText.hasPrefix("Step 1/3"))
    let forward = try cli.run(["goto", "rescan-host"])
    #expect(forward.stdoutText.contains("step 2/3 delete-disk: already done"), "\(forward.stdoutText)")
  }
}
