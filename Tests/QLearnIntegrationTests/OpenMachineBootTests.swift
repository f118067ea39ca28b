import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The open machine model's done-when: a lesson declares a device kind and a property that no line of Sources/ names,
/// qlearn boots it under TCG, and the guest kernel has bound its drivers, chosen from the devices' real PCI ids
/// through the kernel's modules.alias.
@Suite(.serialized) struct OpenMachineBootTests {
  static let lesson = """
    ---
    id: open-devices
    title: Devices nobody listed
    summary: A watchdog and a hardware RNG that qlearn's code never names.
    topic: testing
    minutes: 5
    machine:
      devices:
        - {kind: i6300esb, id: watchdog0}
        - {kind: virtio-rng-pci, id: rng0, max-bytes: 4096, period: 1000}
    steps:
      - id: one
        title: Look
        goal: Look at the drivers.
        checks:
          - {check: answer-equals, value: "5"}
        solution:
          - answer: "5"
    ---

    # Look
    Text.

    """

  @Test func aDeviceNoLineOfQlearnNamesGetsItsDriverBound() throws {
    let sources = try String(contentsOf: Repository.root.appendingPathComponent("Sources"), encoding: .utf8, recursive: ())
    #expect(sources.contains("DevicePolicy"))
    #expect(!sources.contains("i6300esb") && !sources.contains("max-bytes"), "the test must use what qlearn never names")
    let folder = try Repository.temporaryDirectory()
    try Data(Self.lesson.utf8).write(to: folder.appendingPathComponent("open-devices.md"))
    let cli = try QLearnCLI()
    let lint = try cli.run(["lint", folder.path])
    #expect(lint.status == 0, "\(lint.stdoutText)")
    let start = try cli.run(["start", "open-devices", "--lessons", folder.path, "--detach", "--accel", "tcg"])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    let drivers = try cli.run([
      "exec", "--", "sh", "-c",
      "for d in /sys/bus/pci/devices/*; do echo $(cat $d/vendor):$(cat $d/device) $(basename $(readlink $d/driver) 2>/dev/null); done",
    ])
    let lines = drivers.stdoutText.split(separator: "\n").map(String.init)
    #expect(lines.contains("0x8086:0x25ab i6300ESB"), "\(drivers.stdoutText)")
    #expect(lines.contains { $0.hasPrefix("0x1af4:0x1005 virtio-pci") }, "\(drivers.stdoutText)")
    let rng = try cli.run(["exec", "--", "cat", "/sys/devices/virtual/misc/hw_random/rng_current"])
    #expect(rng.stdoutText.hasPrefix("virtio_rng"), "\(rng.stdoutText) \(rng.stderrText)")
  }
}

extension String {
  /// Every Swift file under `url`, concatenated (for a test that greps the sources).
  fileprivate init(contentsOf url: URL, encoding: String.Encoding, recursive: Void) throws {
    var text = ""
    let files = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
    while let file = files?.nextObject() as? URL {
      if file.pathExtension == "swift" { text += try String(contentsOf: file, encoding: encoding) }
    }
    self = text
  }
}
