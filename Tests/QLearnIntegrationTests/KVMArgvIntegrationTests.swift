import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

#if canImport(Glibc)
  import Glibc
#endif

/// Whether this host lets QEMU open /dev/kvm at all (creating a VM needs no working nested virtualisation).
private let kvmOpens: Bool = {
  let fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)
  guard fd >= 0 else { return false }
  close(fd)
  return true
}()

/// Every lesson's real QEMU command line under KVM, given to the real QEMU paused before its first instruction (`-S`):
/// QEMU builds the whole machine, devices and KVM's interrupt controller included, and refuses any option KVM cannot
/// take, without running the guest (nested KVM hangs a running guest on these hosts, so no test can boot one).
@Suite(.serialized, .enabled(if: kvmOpens, "skipped: /dev/kvm cannot be opened on this host"))
struct KVMArgvIntegrationTests {
  /// Lessons that need nothing of the host beyond QEMU (no tap, no host device).
  static let lessons = Course(paths: [Repository.lessons]).lessons.filter { $0.requires.isEmpty }

  @Test(arguments: lessons.map(\.id))
  func qemuBuildsTheLessonsMachineUnderKVM(id: String) async throws {
    let lesson = try #require(Self.lessons.first { $0.id == id })
    let folder = try Repository.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var plan = sampleBootPlan
    plan.accelerator = .kvm
    plan.sessionDirectory = folder
    plan.qemuBinary = try #require(Command.which(QEMUCapabilities.defaultBinary)).path
    for disk in lesson.machine.disks {
      let created = try Command(
        "qemu-img", ["create", "-q", "-f", disk.format.rawValue, plan.layout.diskImage(disk).path, String(disk.size.bytes)]
      ).output()
      #expect(created.status == 0, "\(created.stderrText)")
    }
    // The guest's own files (kernel, initramfs, firmware) are not needed to build the machine; the rest is as booted.
    var argv = QEMUCommandLine.arguments(for: lesson.machine, plan: plan)
    for flag in ["-kernel", "-initrd", "-append", "-bios"] {
      while let index = argv.firstIndex(of: flag) { argv.removeSubrange(index...index + 1) }
    }
    #expect(argv.contains("kvm"))
    let output = try Command(argv[0], Array(argv.dropFirst()) + ["-S", "-qmp", "stdio"], input: Data(#"""
      {"execute":"qmp_capabilities"}
      {"execute":"query-status"}
      {"execute":"quit"}

      """#.utf8)).output()
    #expect(output.stdoutText.contains(#""status": "prelaunch""#), "QEMU refused the KVM argv: \(output.stderrText)")
    // Warnings (more vCPUs than this small host has) are fine; an error line is not.
    let errors = output.stderrText.split(separator: "\n").filter { !$0.contains(": warning: ") }
    #expect(errors.isEmpty, "\(output.stderrText)")
  }
}
