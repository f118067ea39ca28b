import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Figures for Benchmarks/initramfs.sh: off unless `QLEARN_BENCHMARK=1`, because they boot QEMU 20+ times.
/// The expectations only check that each run worked; the figures are printed, never asserted.
@Suite(
  .serialized,
  .enabled(
    if: ProcessInfo.processInfo.environment["QLEARN_BENCHMARK"] == "1",
    "skipped: boots QEMU 20+ times; Benchmarks/initramfs.sh runs it with QLEARN_BENCHMARK=1"))
struct GuestBenchmarkTests {
  static let runs = 5

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
  }

  static func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  static func report(_ label: String, _ values: [Double], unit: String = "s") {
    let shown = values.map { String(format: "%.3f", $0) }.joined(separator: " ")
    print(String(format: "BENCH %-46@ median %8.3f %@   (runs: %@)", label as NSString, median(values), unit, shown))
  }

  @Test(
    .enabled(
      if: ProcessInfo.processInfo.environment["QLEARN_BENCHMARK_FETCH"] == "1",
      "skipped: downloads a Debian kernel; Benchmarks/initramfs.sh runs it with QLEARN_BENCHMARK_FETCH=1"))
  func kernelFetchAndUnpack() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-fetch-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let start = DispatchTime.now().uptimeNanoseconds
    let kernel = try await KernelProvider(cacheDirectory: dir).kernel(explicit: nil, modules: nil, version: Self.version)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    #expect(kernel.vmlinux != nil)
    Self.report("kernel \(kernel.version) fetch+unpack+depmod+vmlinux (1 run)", [elapsed])
  }

  /// `QLEARN_BENCHMARK_KERNEL=6.12` measures another Debian kernel than the default 6.1.
  static let version = ProcessInfo.processInfo.environment["QLEARN_BENCHMARK_KERNEL"]

  @Test func buildLookupAndBoot() async throws {
    let cache = Paths.standard().cache
    let kernel = try await KernelProvider(cacheDirectory: cache.appendingPathComponent("kernels"))
      .kernel(explicit: nil, modules: nil, version: Self.version)
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    let spec = GuestImageSpec(kernel: kernel, modules: ["nvme"], tools: ["lspci", "nvme"], guestAgent: true)
    print("BENCH kernel \(kernel.version); spec: modules \(spec.modules), tools \(spec.tools), qemu-ga")

    var images: [InitramfsCompression: URL] = [:]
    for compression in InitramfsCompression.allCases {
      var cold: [Double] = []
      var cached: [Double] = []
      for run in 0..<Self.runs {
        let builder = InitramfsBuilder(
          cacheDirectory: work.appendingPathComponent("\(compression.rawValue)-\(run)"), compression: compression)
        var image: URL?
        cold.append(try Self.seconds { image = try builder.image(for: spec) })
        var again: URL?
        cached.append(try Self.seconds { again = try builder.image(for: spec) })
        #expect(again == image)
        images[compression] = image
      }
      Self.report("initramfs build cold (\(compression.rawValue))", cold)
      Self.report("initramfs cached lookup (\(compression.rawValue))", cached.map { $0 * 1000 }, unit: "ms")
      let path = try #require(images[compression]).path
      let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
      print("BENCH initramfs size (\(compression.rawValue)): \(size) bytes")
    }

    let vmlinux = try #require(kernel.vmlinux)
    let lpj = try LoopsPerJiffy.calibrated(
      kernel: kernel, initramfs: try #require(images[InitramfsCompression.none]),
      cacheDirectory: cache.appendingPathComponent("initramfs"))
    print("BENCH lpj \(lpj)")
    let disk = work.appendingPathComponent("d0.qcow2")
    try Command("qemu-img", ["create", "-q", "-f", "qcow2", disk.path, "64M"]).run()

    let variants: [(String, URL, InitramfsCompression, Int?, [String])] = [
      ("vmlinux (PVH), plain cpio", vmlinux, .none, lpj, []),
      ("vmlinux (PVH), gzip cpio", vmlinux, .gzip, lpj, []),
      ("bzImage, plain cpio", kernel.image, .none, lpj, []),
      ("bzImage, gzip cpio", kernel.image, .gzip, lpj, []),
      ("vmlinux (PVH), plain cpio, no lpj=", vmlinux, .none, nil, []),
      ("vmlinux (PVH), plain cpio, qboot", vmlinux, .none, lpj, ["-bios", "/usr/share/qemu/qboot.rom"]),
    ]
    for (label, kernelImage, compression, lpjValue, extra) in variants {
      let image = try #require(images[compression])
      var times: [Double] = []
      for _ in 0..<Self.runs {
        let socket = work.appendingPathComponent("qga.sock")
        try? FileManager.default.removeItem(at: socket)
        var ready = false
        var console: QEMUConsole?
        let elapsed = try Self.seconds {
          let qemu = try QEMUConsole(
            arguments: [
              "-machine", "pc", "-accel", "tcg", "-nodefaults", "-display", "none", "-no-reboot", "-smp", "4",
              "-m", "512M", "-kernel", kernelImage.path, "-initrd", image.path,
              "-append", KernelCommandLine.words(accelerator: .tcg, lpj: lpjValue).joined(separator: " "), "-serial", "stdio",
              "-chardev", "socket,id=qga,path=\(socket.path),server=on,wait=off", "-device", "isa-serial,chardev=qga",
              "-drive", "if=none,id=d0,format=qcow2,file=\(disk.path)",
              "-device", "nvme,drive=d0,serial=deadbeaf1,max_ioqpairs=8",
            ] + extra)
          console = qemu
          ready = qemu.waitFor(InitScript.readyLine, timeout: 120)
        }
        #expect(ready, "\(label): \(console?.output.suffix(1500) ?? "")")
        console?.terminate()
        times.append(elapsed)
      }
      Self.report("boot to ready line: \(label)", times)
    }
  }
}
