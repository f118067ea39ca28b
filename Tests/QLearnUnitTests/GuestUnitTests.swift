import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Fast tests of the guest-image pieces that need no kernel download and no QEMU.
@Suite struct GuestUnitTests {
  /// A throwaway modules tree shaped like depmod's output, with a dependency chain and a built-in module.
  func fixtureModules() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-mods-\(UUID().uuidString)")
    let dir = root.appendingPathComponent("lib/modules/9.9.9-test")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try """
      kernel/drivers/nvme/host/nvme-core.ko: kernel/block/t10-pi.ko kernel/lib/crc64-rocksoft.ko kernel/lib/crc64.ko
      kernel/drivers/nvme/host/nvme.ko: kernel/drivers/nvme/host/nvme-core.ko kernel/block/t10-pi.ko kernel/lib/crc64-rocksoft.ko kernel/lib/crc64.ko
      kernel/block/t10-pi.ko: kernel/lib/crc64-rocksoft.ko kernel/lib/crc64.ko
      kernel/lib/crc64-rocksoft.ko: kernel/lib/crc64.ko
      kernel/lib/crc64.ko:
      kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko.xz
      kernel/drivers/net/net_failover.ko.xz:

      """.write(to: dir.appendingPathComponent("modules.dep"), atomically: true, encoding: .utf8)
    try "kernel/drivers/scsi/sd_mod.ko\n".write(
      to: dir.appendingPathComponent("modules.builtin"), atomically: true, encoding: .utf8)
    try """
      alias pci:v*d*sv*sd*bc01sc08i02* nvme
      alias pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_net
      alias virtio:d00000001v* virtio_net

      """.write(to: dir.appendingPathComponent("modules.alias"), atomically: true, encoding: .utf8)
    return dir
  }

  @Test func resolvesDependenciesBeforeDependents() throws {
    let resolver = try ModuleResolver(modulesDirectory: fixtureModules(), version: "9.9.9-test")
    let order = try resolver.resolve(["nvme", "crc64"]).map(\.name)
    #expect(order == ["crc64", "crc64_rocksoft", "t10_pi", "nvme_core", "nvme"])
  }

  @Test func dashesAndUnderscoresAreOneName() throws {
    let resolver = try ModuleResolver(modulesDirectory: fixtureModules(), version: "9.9.9-test")
    #expect(try resolver.resolve(["nvme-core"]).last?.path == "kernel/drivers/nvme/host/nvme-core.ko")
    #expect(try resolver.resolve(["virtio-net"]).map(\.name) == ["net_failover", "virtio_net"])
  }

  @Test func builtinModulesAreSkipped() throws {
    let resolver = try ModuleResolver(modulesDirectory: fixtureModules(), version: "9.9.9-test")
    #expect(try resolver.resolve(["sd_mod"]).isEmpty)
    #expect(resolver.isBuiltin("sd-mod"))
  }

  @Test func unknownModuleNamesItAndTheKernel() throws {
    let resolver = try ModuleResolver(modulesDirectory: fixtureModules(), version: "9.9.9-test")
    #expect(throws: ModuleError.unknownModule(name: "megaraid_sas", version: "9.9.9-test")) {
      try resolver.resolve(["nvme", "megaraid_sas"])
    }
    let message = ModuleError.unknownModule(name: "megaraid_sas", version: "9.9.9-test").errorDescription ?? ""
    #expect(message.contains("megaraid_sas") && message.contains("9.9.9-test"))
  }

  @Test func modaliasGlobsPickTheDriver() throws {
    let resolver = try ModuleResolver(modulesDirectory: fixtureModules(), version: "9.9.9-test")
    #expect(resolver.modules(forModalias: "pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02") == ["nvme"])
    #expect(resolver.modules(forModalias: "virtio:d00000001v00001AF4") == ["virtio_net"])
    #expect(resolver.modules(forModalias: "pci:v00008086d00001234sv0sd0bc02sc00i00").isEmpty)
  }

  @Test func releaseMatchingRespectsComponentBoundaries() {
    #expect(KernelProvider.release("6.12.117+deb12-amd64", matches: "6.12"))
    #expect(!KernelProvider.release("6.12.117+deb12-amd64", matches: "6.1"))
    #expect(KernelProvider.release("6.1.0-56-amd64", matches: "6.1"))
    #expect(KernelProvider.release("6.1.0-56-amd64", matches: "6.1.0-56-amd64"))
    #expect(KernelProvider.versionOrder("6.1.0-9-amd64", "6.1.0-56-amd64"))
    #expect(!KernelProvider.versionOrder("6.1.0-56-amd64", "6.1.0-9-amd64"))
  }

  @Test func sha256MatchesKnownVectors() {
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = String(repeating: "a", count: 1000)
    let reference = try? Command("sha256sum", input: Data(long.utf8)).run().stdoutText.prefix(64)
    #expect(SHA256.hex(long) == reference.map(String.init))
  }

  @Test func cpioArchiveIsReadByCpioAndReproducible() throws {
    var archive = CpioArchive()
    archive.add("bin/busybox", .data(Data("#!/bin/sh\necho hi\n".utf8)), mode: 0o755)
    archive.add("bin/sh", .symlink("/bin/busybox"), mode: 0o777)
    archive.add("lib/modules/x/kernel/a.ko", .data(Data([1, 2, 3])), mode: 0o644)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-cpio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let first = dir.appendingPathComponent("a.cpio")
    let second = dir.appendingPathComponent("b.cpio")
    try archive.write(to: first)
    try archive.write(to: second)
    #expect(try Data(contentsOf: first) == Data(contentsOf: second))
    #expect(try Data(contentsOf: first).count % 512 == 0)
    let listing = try Command("sh", ["-c", "cpio -itv < '\(first.path)'"]).run().stdoutText
    #expect(listing.contains("bin/sh -> /bin/busybox"))
    #expect(listing.contains("lib/modules/x/kernel/a.ko"))
    #expect(listing.contains("drwxr-xr-x") && listing.contains("lib/modules/x"))
    let extracted = dir.appendingPathComponent("x")
    try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
    try Command("sh", ["-c", "cpio -id --quiet < '\(first.path)'"], currentDirectory: extracted).run()
    #expect(try Data(contentsOf: extracted.appendingPathComponent("lib/modules/x/kernel/a.ko")) == Data([1, 2, 3]))
  }

  @Test func lpjIsReadFromEitherCalibrationLine() {
    #expect(
      LoopsPerJiffy.parse(kernelLog: "Calibrating delay loop (skipped), value calculated using timer frequency.. 4589.38 BogoMIPS (lpj=9178768)")
        == 9_178_768)
    #expect(LoopsPerJiffy.parse(kernelLog: "Calibrating delay loop... 512.00 BogoMIPS (lpj=1024000)") == 1_024_000)
    #expect(LoopsPerJiffy.parse(kernelLog: "no such line") == nil)
  }

  @Test func initScriptLoadsModulesInOrderAndAnnouncesReadiness() {
    let text = InitScript.text(
      moduleDirectory: "/lib/modules/v", modules: ["kernel/lib/crc64.ko", "kernel/drivers/nvme/host/nvme.ko"],
      guestAgent: true)
    let crc = text.range(of: "kernel/lib/crc64.ko")
    let nvme = text.range(of: "kernel/drivers/nvme/host/nvme.ko")
    #expect(crc != nil && nvme != nil && crc!.lowerBound < nvme!.lowerBound)
    #expect(text.contains("qemu-ga -m isa-serial -p /dev/ttyS1 -t /run"))
    #expect(text.contains(InitScript.readyLine))
    #expect(!InitScript.text(moduleDirectory: "/m", modules: [], guestAgent: false).contains("qemu-ga"))
  }

  /// Autoloading is off only while qlearn's own list loads, and back before the learner gets the guest.
  @Test func initScriptGivesModprobeBackBeforeTheReadyLine() throws {
    let text = InitScript.text(moduleDirectory: "/lib/modules/v", modules: ["kernel/a.ko"], guestAgent: true)
    func at(_ needle: String) throws -> String.Index { try #require(text.range(of: needle)).lowerBound }
    #expect(try at("mount -a") < at("insmod "))
    #expect(try at("echo > /proc/sys/kernel/modprobe") < at("insmod "))
    #expect(try at("insmod ") < at("echo /sbin/modprobe > /proc/sys/kernel/modprobe"))
    #expect(try at("echo /sbin/modprobe > /proc/sys/kernel/modprobe") < at(InitScript.readyLine))
    for mountPoint in ["/proc", "/sys", "/dev", "/run", "/tmp"] {
      #expect(InitScript.fstab.contains(" \(mountPoint) "), "fstab mounts \(mountPoint)")
    }
  }

  @Test func aBootMayTakeLongerWhenItIsTheLearnersOwnSystem() {
    var options = LaunchOptions()
    #expect(options.effectiveBootTimeout == .seconds(30))
    options.bootImage = URL(fileURLWithPath: "/images/boot.qcow2")
    #expect(options.effectiveBootTimeout == .seconds(120))
    options.bootTimeout = .seconds(5)
    #expect(options.effectiveBootTimeout == .seconds(5))
    #expect(options.bootAttempts == 2)
  }

  @Test func onlyTCGGuestsGoWithoutLocalAPICTimersAndSelfTestInitcalls() {
    let tcg = KernelCommandLine.words(accelerator: .tcg, lpj: 1)
    #expect(tcg.contains("noapictimer"))
    #expect(tcg.contains("initcall_blacklist=crypto_kdf108_init,jent_mod_init,init_encrypted"))
    let kvm = KernelCommandLine.words(accelerator: .kvm, lpj: 1)
    #expect(!kvm.contains("noapictimer") && !kvm.contains { $0.hasPrefix("initcall_blacklist=") })
  }

  @Test func kernelArgumentsCarryTheConsoleAndLpj() {
    let words = KernelCommandLine.words(accelerator: .tcg, lpj: 123)
    #expect(words.first == "console=ttyS0")
    #expect(words.contains("lpj=123") && words.contains("cryptomgr.notests") && words.contains("quiet"))
    #expect(!KernelCommandLine.words(accelerator: .tcg, lpj: nil).contains { $0.hasPrefix("lpj=") })
    #expect(!KernelCommandLine.words(accelerator: .tcg, lpj: nil, quiet: false).contains("quiet"))
  }

  /// The runner QEMUConsole shares with sessions, with `cat` standing in for QEMU: what is sent comes back on the
  /// console, and terminate ends the process.
  @Test func consoleRunnerPipesBothWaysAndTerminates() throws {
    let console = try QEMUConsole(qemu: "cat", arguments: [])
    #expect(console.commandLine == ["cat"])
    console.send("hello console\n")
    #expect(console.waitFor("hello console", timeout: 20))
    console.terminate()
    #expect(console.hasExited)
  }

  @Test func aMissingQEMUIsNamedAndNothingWaits() {
    #expect(throws: CommandError.self) { try QEMUConsole(qemu: "/nonexistent/qemu-system-x86_64", arguments: []) }
  }

  /// Calibration boots through the one argv builder: TCG, the session's kernel words but loud, the console on stdio.
  @Test func lpjCalibrationBootsThroughTheSessionsCommandLineBuilder() throws {
    let kernel = Kernel(
      version: "6.1.0-test", image: URL(fileURLWithPath: "/k/vmlinuz"), vmlinux: URL(fileURLWithPath: "/k/vmlinux"),
      modulesRoot: URL(fileURLWithPath: "/k"), source: .explicit)
    let argv = LoopsPerJiffy.commandLine(
      kernel: kernel, initramfs: URL(fileURLWithPath: "/i.cpio"), folder: URL(fileURLWithPath: "/run/lpj"))
    let value = { (flag: String) in argv.firstIndex(of: flag).map { argv[$0 + 1] } }
    #expect(value("-accel") == "tcg,thread=single")
    #expect(value("-serial") == "stdio")
    #expect(!argv.contains { $0.contains("console.sock") })
    #expect(value("-initrd") == "/i.cpio" && value("-kernel") == "/k/vmlinux")
    let append = try #require(value("-append")).split(separator: " ").map(String.init)
    #expect(append == KernelCommandLine.words(for: Machine(), accelerator: .tcg, lpj: nil, quiet: false))
    #expect(!append.contains("quiet") && append.contains("noapictimer"))
  }
}
