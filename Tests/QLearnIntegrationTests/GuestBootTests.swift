import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

#if canImport(Glibc)
  import Glibc
#endif

/// Boots a real Debian kernel with a qlearn initramfs under TCG. Downloads the kernel package on first run into the
/// qlearn cache (`QLEARN_CACHE_DIR` to keep it elsewhere).
@Suite(.serialized) struct GuestBootTests {
  static let cache = Paths.standard().cache

  func debianKernel() async throws -> Kernel {
    let provider = KernelProvider(cacheDirectory: Self.cache.appendingPathComponent("kernels")) { print("kernel: \($0)") }
    return try await provider.kernel(explicit: nil, modules: nil, version: nil)
  }

  @Test func debianKernelIsUnpackedWithAPVHVmlinux() async throws {
    let kernel = try await debianKernel()
    #expect(kernel.version.hasPrefix("6.1."))
    #expect(kernel.source == .debianPackage("linux-image-\(kernel.version)"))
    let vmlinux = try #require(kernel.vmlinux)
    #expect(KernelImage.hasPVHNote(try Data(contentsOf: vmlinux, options: .mappedIfSafe)))
    #expect(try KernelImage.release(ofBzImage: kernel.image) == kernel.version)
    #expect(FileManager.default.fileExists(atPath: kernel.modulesDirectory.appendingPathComponent("modules.dep").path))
    let resolver = try ModuleResolver(kernel: kernel)
    let nvme = try resolver.resolve(["nvme"])
    #expect(nvme.last?.name == "nvme" && nvme.contains { $0.name == "nvme_core" })
    #expect(throws: ModuleError.unknownModule(name: "no-such-driver", version: kernel.version)) {
      try resolver.resolve(["no-such-driver"])
    }
  }

  @Test func explicitKernelFileIsReadFromItsHeader() async throws {
    let kernel = try await debianKernel()
    let provider = KernelProvider(cacheDirectory: Self.cache.appendingPathComponent("kernels"))
    let explicit = try await provider.kernel(explicit: kernel.image, modules: kernel.modulesRoot, version: nil)
    #expect(explicit.version == kernel.version && explicit.source == .explicit && explicit.vmlinux != nil)
    await #expect(throws: KernelError.explicitModulesMissing(kernel: kernel.image.path)) {
      try await provider.kernel(explicit: kernel.image, modules: nil, version: nil)
    }
  }

  @Test func nvmeGuestBootsToAShellWithItsQueues() async throws {
    let kernel = try await debianKernel()
    let builder = InitramfsBuilder(cacheDirectory: Self.cache.appendingPathComponent("initramfs"))
    let spec = GuestImageSpec(kernel: kernel, modules: ["nvme"], tools: ["lspci", "nvme"], guestAgent: true)
    let image = try builder.image(for: spec)
    #expect(try builder.image(for: spec) == image)
    let listing = try Command("sh", ["-c", "cpio -it --quiet < '\(image.path)'"]).run().stdoutText
    #expect(listing.contains("lib/modules/\(kernel.version)/kernel/drivers/nvme/host/nvme.ko"))
    #expect(listing.contains("usr/sbin/qemu-ga") && listing.contains("lib64/ld-linux-x86-64.so.2"))

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-boot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let disk = dir.appendingPathComponent("d0.qcow2")
    try Command("qemu-img", ["create", "-q", "-f", "qcow2", disk.path, "64M"]).run()
    let agentSocket = dir.appendingPathComponent("qga.sock")
    let vmlinux = try #require(kernel.vmlinux)
    let qemu = try QEMUConsole(arguments: [
      "-machine", "pc", "-accel", "tcg", "-nodefaults", "-display", "none", "-no-reboot", "-smp", "4", "-m", "512M",
      "-kernel", vmlinux.path, "-initrd", image.path,
      "-append", KernelCommandLine.words(accelerator: .tcg, lpj: nil).joined(separator: " "),
      "-serial", "stdio",
      "-chardev", "socket,id=qga,path=\(agentSocket.path),server=on,wait=off", "-device", "isa-serial,chardev=qga",
      "-drive", "if=none,id=d0,format=qcow2,file=\(disk.path)",
      "-device", "nvme,drive=d0,serial=deadbeaf1,max_ioqpairs=8",
    ])
    defer { qemu.terminate() }
    #expect(qemu.waitFor(InitScript.readyLine, timeout: 120), "console: \(qemu.output.suffix(2000))")
    #expect(qemu.waitFor(InitScript.prompt, timeout: 30))

    var mark = qemu.mark
    qemu.send("cat /proc/interrupts\n")
    #expect(qemu.waitFor("nvme0q4", after: mark, timeout: 30), "console: \(qemu.output.suffix(2000))")
    #expect(!qemu.output.contains("could not load"))

    // `exit` must give a fresh shell rather than panic PID 1.
    mark = qemu.mark
    qemu.send("exit\n")
    #expect(qemu.waitFor(InitScript.prompt, after: mark, timeout: 30))
    #expect(!qemu.hasExited)

    // The guest agent answers on the second serial port.
    let agent: AgentConnection
    do {
      agent = try AgentConnection(path: agentSocket.path)
    } catch {
      Issue.record("agent: \(error); exited: \(qemu.hasExited); console: \(qemu.output.suffix(1500))")
      return
    }
    let pid = try agent.exec(path: "/bin/cat", arguments: ["/proc/interrupts"])
    let out = try agent.output(ofPid: pid)
    #expect(out.contains("nvme0q0") && out.contains("nvme0q4"))
    #expect(!out.contains("nvme0q5"))

    // A device that appears later gets its driver from mdev (netlink) -> modprobe by modalias, reading the module
    // tables the builder wrote. Remove the driver and the device, rescan, and the disk must come back.
    // (`$((1+1))` keeps the marker out of the console's echo of the command.)
    mark = qemu.mark
    qemu.send(
      "rmmod nvme && echo removed-$((1+1)); echo 1 > /sys/bus/pci/devices/0000:00:02.0/remove; "
        + "echo 1 > /sys/bus/pci/rescan; sleep 2; ls /dev\n")
    #expect(qemu.waitFor("removed-2", after: mark, timeout: 30))
    #expect(qemu.waitFor("nvme0n1", after: mark, timeout: 30), "console: \(qemu.output.suffix(1500))")
  }

  @Test func concurrentBuildsAgreeOnOneImage() async throws {
    let kernel = try await debianKernel()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-race-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let spec = GuestImageSpec(kernel: kernel, modules: ["virtio_blk", "virtio-net"], tools: ["ethtool"], guestAgent: false)
    let images = try await withThrowingTaskGroup(of: URL.self) { group in
      for _ in 0..<3 {
        group.addTask { try InitramfsBuilder(cacheDirectory: dir).image(for: spec) }
      }
      return try await group.reduce(into: [URL]()) { $0.append($1) }
    }
    #expect(Set(images).count == 1)
    let entries = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".cpio") }
    #expect(entries.count == 1)
    let listing = try Command("sh", ["-c", "cpio -it --quiet < '\(images[0].path)'"]).run().stdoutText
    #expect(listing.contains("usr/sbin/ethtool") && listing.contains("virtio_net.ko") && listing.contains("net_failover.ko"))
    #expect(!listing.contains("qemu-ga"))
  }

  @Test func availableListsCachedAndInstallableKernels() async throws {
    let kernel = try await debianKernel()
    let candidates = try KernelProvider(cacheDirectory: Self.cache.appendingPathComponent("kernels")).available()
    #expect(candidates.contains { $0.version == kernel.version && $0.isCached })
    #expect(candidates.contains { !$0.isCached && $0.version.hasPrefix("6.12.") })
  }

  @Test func missingToolIsNamed() async throws {
    let kernel = try await debianKernel()
    let builder = InitramfsBuilder(cacheDirectory: FileManager.default.temporaryDirectory)
    #expect(throws: GuestImageError.toolNotFound(name: "qlearn-no-such-tool")) {
      try builder.image(for: GuestImageSpec(kernel: kernel, modules: [], tools: ["qlearn-no-such-tool"]))
    }
  }

  @Test func lpjIsCalibratedOnceAndCached() async throws {
    let kernel = try await debianKernel()
    let builder = InitramfsBuilder(cacheDirectory: Self.cache.appendingPathComponent("initramfs"))
    let image = try builder.image(for: GuestImageSpec(kernel: kernel, modules: [], tools: [], guestAgent: false))
    let lpjCache = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-lpj-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: lpjCache) }
    let first = try LoopsPerJiffy.calibrated(kernel: kernel, initramfs: image, cacheDirectory: lpjCache)
    #expect(first > 10_000)
    let files = try FileManager.default.contentsOfDirectory(atPath: lpjCache.appendingPathComponent("lpj").path)
    #expect(files.count == 1 && files[0].hasSuffix(kernel.version))
    #expect(try LoopsPerJiffy.calibrated(kernel: kernel, initramfs: image, cacheDirectory: lpjCache) == first)
  }
}

/// A minimal qemu-ga client over the host end of the agent's unix socket: one JSON request per line.
final class AgentConnection {
  let descriptor: Int32
  var pending = Data()

  init(path: String) throws {
    descriptor = try syscall("socket", path) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)) + [0])
    }
    _ = try withUnsafePointer(to: &address) { pointer in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
        try syscall("connect", path) { connect(descriptor, sa, socklen_t(MemoryLayout<sockaddr_un>.size)) }
      }
    }
    var timeout = timeval(tv_sec: 1, tv_usec: 0)
    try syscall("setsockopt", path) {
      setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
    try synchronise()
  }

  deinit { close(descriptor) }

  /// guest-sync until the agent echoes our id: the first bytes may be lost while the guest opens ttyS1.
  func synchronise() throws {
    var lastError: Error = AgentTestError.noAnswer
    for attempt in 0..<30 {
      let id = 4711 + attempt
      do {
        try send(#"{"execute":"guest-sync","arguments":{"id":\#(id)}}"#)
        // Read until our id comes back: replies to earlier attempts (or an error for bytes garbled while the guest
        // opened the port) may still be queued, and taking one of those would leave every later reply off by one.
        while true {
          if (try readReply()["return"] as? Int) == id { return }
        }
      } catch {
        lastError = error
      }
    }
    throw lastError
  }

  func request(_ json: String) throws -> [String: Any] {
    try send(json)
    return try readReply()
  }

  func send(_ json: String) throws {
    let bytes = Array((json + "\n").utf8)
    try syscall("write", "agent") { write(descriptor, bytes, bytes.count) }
  }

  /// The next JSON object from the agent; throws when none arrives within the socket's receive timeout.
  func readReply() throws -> [String: Any] {
    while true {
      if let newline = pending.firstIndex(of: 10) {
        let line = pending[pending.startIndex..<newline]
        pending = Data(pending[(newline + 1)...])
        if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] { return object }
        continue
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let count = try syscall("read", "agent") { read(descriptor, &chunk, chunk.count) }
      if count == 0 { throw AgentTestError.closed }
      pending.append(contentsOf: chunk[0..<count])
    }
  }

  func exec(path: String, arguments: [String]) throws -> Int {
    let args = arguments.map { "\"\($0)\"" }.joined(separator: ",")
    let reply = try request(
      #"{"execute":"guest-exec","arguments":{"path":"\#(path)","arg":[\#(args)],"capture-output":true}}"#)
    guard let result = reply["return"] as? [String: Any], let pid = result["pid"] as? Int else {
      throw AgentTestError.unexpected("\(reply)")
    }
    return pid
  }

  func output(ofPid pid: Int) throws -> String {
    for _ in 0..<100 {
      let reply = try request(#"{"execute":"guest-exec-status","arguments":{"pid":\#(pid)}}"#)
      guard let result = reply["return"] as? [String: Any] else { throw AgentTestError.unexpected("\(reply)") }
      if result["exited"] as? Bool == true {
        let encoded = result["out-data"] as? String ?? ""
        return String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
      }
      usleep(50_000)
    }
    throw AgentTestError.noAnswer
  }
}

enum AgentTestError: Error {
  case noAnswer
  case closed
  case unexpected(String)
}
