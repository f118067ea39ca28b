import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The caches and the host's resources: free space checked before writing, damaged cache files rebuilt, memory the host
/// cannot give refused before anything boots.
@Suite(.serialized) struct CacheResourceTests {
  func scratch() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-cache-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func aSumCatchesTruncationAndChangedBytes() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("image.cpio")
    try Data(repeating: 7, count: 10_000).write(to: file)
    #expect(CacheIntegrity.verify(file) == .unrecorded)
    try CacheIntegrity.record(file)
    #expect(CacheIntegrity.verify(file) == .intact)
    try Data(repeating: 7, count: 4_000).write(to: file)
    #expect(CacheIntegrity.verify(file) == .damaged("4000 bytes where 10000 were written"))
    var bytes = Data(repeating: 7, count: 10_000)
    bytes[5] = 8
    try bytes.write(to: file)
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: file.path)
    guard case .damaged(let why) = CacheIntegrity.verify(file) else {
      Issue.record("changed bytes not seen")
      return
    }
    #expect(why.contains("SHA-256"))
  }

  @Test func aFullCacheIsRefusedBeforeTheKernelDownloadStarts() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    var provider = KernelProvider(cacheDirectory: dir) { print("kernel: \($0)") }
    provider.availableSpace = { _ in 20_000_000 }
    let package = try #require(try provider.debianPackageNames(matching: "6.1").first)
    do {
      _ = try provider.fetch(package: package)
      Issue.record("the fetch went ahead with 20 MB free")
    } catch let error as CacheSpaceError {
      let text = (error.errorDescription ?? "") + " " + (error.recoverySuggestion ?? "")
      #expect(text.contains(dir.path), "\(text)")
      #expect(text.contains("20 MB are free"), "\(text)")
      #expect(text.contains("QLEARN_CACHE_DIR"), "\(text)")
      #expect(!text.contains("NSCocoa"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasSuffix(".lock") }
    #expect(left == [], "nothing downloaded: \(left)")
  }

  @Test func cocoaWriteErrorsBecomeWordsAndOtherErrorsStay() {
    let cocoa = NSError(
      domain: NSCocoaErrorDomain, code: NSFileWriteOutOfSpaceError,
      userInfo: [NSLocalizedDescriptionKey: "There isn't enough space."])
    let wrapped = CacheSpaceError.wrapping(cocoa, path: "/c/initramfs", what: "the guest image (initramfs)")
    let text = (wrapped as? LocalizedError)?.errorDescription ?? ""
    #expect(text == "qlearn could not write the guest image (initramfs) to /c/initramfs: No space left on device.")
    let own = KernelError.noDebianPackage(version: "9.9")
    #expect(CacheSpaceError.wrapping(own, path: "/c", what: "x") as? KernelError == own)
  }

  /// A small image is built, truncated the way a full disk leaves it, and rebuilt on its next use, saying so once.
  @Test func aDamagedInitramfsIsRebuiltOnceSaidOnce() async throws {
    let kernel = try await KernelProvider(cacheDirectory: Paths.standard().cache.appendingPathComponent("kernels"))
      .kernel(explicit: nil, modules: nil, version: nil)
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let said = Said()
    let builder = InitramfsBuilder(cacheDirectory: dir) { said.add($0) }
    let spec = GuestImageSpec(kernel: kernel, modules: [], tools: [])
    let image = try builder.image(for: spec)
    let size = try #require((try FileManager.default.attributesOfItem(atPath: image.path))[.size] as? NSNumber)
    let handle = try FileHandle(forWritingTo: image)
    try handle.truncate(atOffset: size.uint64Value / 2)
    try handle.close()
    #expect(try builder.image(for: spec) == image)
    #expect(said.lines.filter { $0.contains("damaged") }.count == 1, "\(said.lines)")
    #expect(CacheIntegrity.verify(image) == .intact)
    #expect(try builder.image(for: spec) == image)
    #expect(said.lines.filter { $0.contains("damaged") }.count == 1, "said once: \(said.lines)")
    #expect(said.lines.filter { $0.hasPrefix("building") }.count == 2, "\(said.lines)")

    // An image from before sums were kept, truncated: its missing cpio trailer gives it away.
    try FileManager.default.removeItem(at: CacheIntegrity.sumFile(for: image))
    let again = try FileHandle(forWritingTo: image)
    try again.truncate(atOffset: size.uint64Value / 3)
    try again.close()
    _ = try builder.image(for: spec)
    #expect(said.lines.contains { $0.contains("truncated") }, "\(said.lines)")
    #expect(CacheIntegrity.verify(image) == .intact)
  }

  @Test func aFullCacheIsRefusedBeforeTheImageIsBuilt() async throws {
    let kernel = try await KernelProvider(cacheDirectory: Paths.standard().cache.appendingPathComponent("kernels"))
      .kernel(explicit: nil, modules: nil, version: nil)
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    var builder = InitramfsBuilder(cacheDirectory: dir)
    builder.availableSpace = { _ in 1_000_000 }
    #expect {
      _ = try builder.image(for: GuestImageSpec(kernel: kernel, modules: ["nvme"], tools: []))
    } throws: { error in
      let text = (error as? LocalizedError)?.errorDescription ?? ""
      return text.contains("Not enough free space for the guest image (initramfs) in \(dir.path)")
        && text.contains("1 MB are free")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { $0.hasSuffix(".lock") })
  }

  @Test func memoryTheHostCannotGiveIsRefusedSayingWhatItHas() async throws {
    // A small host (about 3.8 GiB) and a lesson within lint's 8G ceiling that still does not fit on it.
    let memory = try #require(
      HostMemory.parse("MemTotal:       4000000 kB\nMemFree: 1 kB\nMemAvailable:   2000000 kB\nSwapTotal: 0 kB\n"))
    #expect(memory.total == 4_000_000 * 1024)
    let text = """
      ---
      id: huge
      title: t
      summary: s
      topic: t
      minutes: 1
      machine: {type: pc, cpus: 1, memory: 6G}
      steps: []
      ---
      """
    guard case .success(let lesson) = LessonLoader.parse(text, file: "huge.md") else {
      Issue.record("the lesson did not parse")
      return
    }
    #expect(throws: LaunchError.self) { try memory.check(lesson) }
    do {
      try memory.check(lesson)
    } catch let error as LaunchError {
      let message = error.errorDescription ?? ""
      #expect(message.contains("gives its VM 6G"), "\(message)")
      #expect(message.contains("3.8 GiB of RAM (1.9 GiB available now) and no swap"), "\(message)")
    }
    let big = try #require(HostMemory.parse("MemTotal: 64000000 kB\nSwapTotal: 0 kB\n"))
    try big.check(lesson)
    // Through the launcher, with a terabyte no test host has (lint refuses it in a lesson file; a program building a
    // lesson could still ask): refused before a kernel, image or session is made.
    var terabyte = lesson
    terabyte.machine.memory.size = ByteCount(bytes: 1 << 40)
    let paths = Paths(data: try scratch(), cache: try scratch(), runtime: try scratch())
    #expect(try #require(HostMemory.current()).ceiling < 1 << 40)
    await #expect(throws: LaunchError.self) {
      _ = try await SessionLauncher(paths: paths).start(terabyte, options: LaunchOptions())
    }
    #expect(!FileManager.default.fileExists(atPath: SessionDirectory.forLesson("huge", paths: paths).url.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: paths.cache.path) == [])
  }
}

extension CacheResourceTests {
  /// lspci -k loads libkmod's binary indexes; without them it warned "Unable to load libkmod resources: error -2".
  @Test func anImageWithLspciCarriesKmodIndexesForItsModules() async throws {
    let kernel = try await KernelProvider(cacheDirectory: Paths.standard().cache.appendingPathComponent("kernels"))
      .kernel(explicit: nil, modules: nil, version: nil)
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let image = try InitramfsBuilder(cacheDirectory: dir)
      .image(for: GuestImageSpec(kernel: kernel, modules: ["e1000"], tools: ["lspci"]))
    let listing = try Command("sh", ["-c", "cpio -it --quiet < '\(image.path)'"]).run().stdoutText
    for index in ["modules.dep.bin", "modules.alias.bin", "modules.symbols.bin", "modules.builtin.bin"] {
      #expect(listing.contains("lib/modules/\(kernel.version)/\(index)"), "\(index)")
    }
  }
}

final class Said: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String] = []
  func add(_ line: String) { lock.withLock { stored.append(line) } }
  var lines: [String] { lock.withLock { stored } }
}
