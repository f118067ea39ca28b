import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The tutorial's own setup: the lesson's devices around a learner's disk image with its own init and qemu-ga.
@Suite(.serialized) struct BootImageIntegrationTests {
  /// A miniature "learner's system": busybox and qemu-ga from a qlearn guest image, with an init that starts the agent
  /// on the virtio-serial port as a distribution's service does, in an ext4 file system image.
  static func makeLearnerImage(in directory: URL) async throws -> URL {
    let cache = Paths.standard().cache
    let kernel = try await KernelProvider(cacheDirectory: cache.appendingPathComponent("kernels"))
      .kernel(explicit: nil, modules: nil, version: nil)
    let initramfs = try InitramfsBuilder(cacheDirectory: cache.appendingPathComponent("initramfs"))
      .image(for: GuestImageSpec(kernel: kernel, modules: [], tools: []))
    let root = directory.appendingPathComponent("root")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try Command("cpio", ["-idm", "--quiet"], currentDirectory: root, input: try Data(contentsOf: initramfs)).run()
    // sbin/init is a symlink to /bin/busybox in the archive: remove it rather than write through it.
    for path in ["init", "sbin/init"] { try? FileManager.default.removeItem(at: root.appendingPathComponent(path)) }
    let initScript = root.appendingPathComponent("sbin/init")
    try """
      #!/bin/sh
      mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev 2>/dev/null
      mkdir -p /run; mount -t tmpfs tmpfs /run
      for p in /sys/class/virtio-ports/*; do [ "$(cat $p/name)" = org.qemu.guest_agent.0 ] && port=/dev/${p##*/}; done
      echo learner-system-up > /run/marker
      qemu-ga -m virtio-serial -p "$port" -t /run &
      exec setsid cttyhack /bin/sh -i

      """.write(to: initScript, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: initScript.path)
    let image = directory.appendingPathComponent("learner.img")
    try Command("mkfs.ext4", ["-q", "-d", root.path, image.path, "64M"]).run()
    return image
  }

  @Test func aLearnersDiskImageBootsWithTheLessonsDevices() async throws {
    let cli = try QLearnCLI()
    let image = try await Self.makeLearnerImage(in: cli.home)
    let start = try cli.run([
      "start", "nvme-queues", "--detach", "--accel", "tcg", "--boot-image", image.path, "--root", "/dev/sda",
    ])
    #expect(start.status == 0, "\(start.stderrText)")
    defer { _ = try? cli.run(["stop", "--all"]) }
    let root = try cli.run(["exec", "--", "sh", "-c", "mount | grep ' on / '; cat /run/marker"])
    #expect(root.stdoutText.contains("/dev/sda on / type ext4"), "\(root.stdoutText)")
    #expect(root.stdoutText.contains("learner-system-up"))
    let vectors = try cli.run(["exec", "--", "grep", "-c", "nvme0q", "/proc/interrupts"])
    #expect(vectors.stdoutText == "5\n")
  }
}
