import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Finds a kernel for a guest: the one the learner named, else the host's, else a Debian package fetched into the cache.
///
/// Debian's packaged kernels are the default because they are real, signed, reproducible and carry every module a
/// lesson may need; `apt-get download` + `dpkg -x` needs no root and no installation on the host.
public struct KernelProvider: Sendable {
  public var cacheDirectory: URL
  public var progress: @Sendable (String) -> Void
  /// Free bytes where the cache is (a test gives a small number to play a full disk).
  public var availableSpace: @Sendable (URL) -> UInt64? = { DiskSpace.available(at: $0) }
  /// The release prefix used when the caller asks for no particular version.
  public static let defaultVersion = "6.1"

  public init(cacheDirectory: URL, progress: @escaping @Sendable (String) -> Void = { _ in }) {
    self.cacheDirectory = cacheDirectory
    self.progress = progress
  }

  // MARK: - Listing

  /// Kernels `qlearn kernels` can show: cached ones, the host's (when readable), and installable Debian packages.
  public func available() throws -> [KernelCandidate] {
    var result = cachedKernels().map { kernel in
      KernelCandidate(version: kernel.version, source: kernel.source, isCached: true)
    }
    if let host = hostKernelFiles() {
      result.append(KernelCandidate(version: host.release, source: .host, isCached: true))
    }
    let cachedVersions = Set(result.map(\.version))
    for name in try debianPackageNames(matching: nil) {
      let release = String(name.dropFirst("linux-image-".count))
      if cachedVersions.contains(release) { continue }
      result.append(KernelCandidate(version: release, source: .debianPackage(name), isCached: false))
    }
    return result
  }

  // MARK: - Choosing

  /// The first kernel that applies: `explicit` (with `modules`), the host's, then a Debian package.
  ///
  /// - Parameter version: a release prefix such as "6.12" or "6.1.0-56-amd64"; nil means ``defaultVersion`` for a
  ///   Debian package and any release for the host's kernel.
  public func kernel(explicit: URL?, modules: URL?, version: String?) async throws -> Kernel {
    // Downloading and decompressing take seconds: do it on a thread of its own, not on the cooperative pool.
    let provider = self
    return try await Blocking.run { try provider.kernelBlocking(explicit: explicit, modules: modules, version: version) }
  }

  /// The blocking body of ``kernel(explicit:modules:version:)``.
  public func kernelBlocking(explicit: URL?, modules: URL?, version: String?) throws -> Kernel {
    if let explicit {
      return try explicitKernel(explicit, modules: modules)
    }
    if let host = hostKernelFiles(), version.map({ Self.release(host.release, matches: $0) }) ?? true {
      return try hostKernel(host)
    }
    return try debianKernel(version: version ?? Self.defaultVersion)
  }

  /// Whether a release such as "6.12.117+deb12-amd64" is what "6.12" asks for (but "6.1" does not match it).
  static func release(_ release: String, matches wanted: String) -> Bool {
    guard release.hasPrefix(wanted) else { return false }
    guard let next = release.dropFirst(wanted.count).first else { return true }
    return next == "." || next == "-" || next == "+"
  }

  // MARK: - Explicit

  func explicitKernel(_ path: URL, modules: URL?) throws -> Kernel {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
      throw KernelError.explicitKernelMissing(path: path.path)
    }
    let image: URL
    var vmlinux: URL?
    var release: String?
    if isDirectory.boolValue {
      image = path.appendingPathComponent("arch/x86/boot/bzImage")
      guard FileManager.default.fileExists(atPath: image.path) else {
        throw KernelError.explicitKernelMissing(path: image.path)
      }
      let candidate = path.appendingPathComponent("vmlinux")
      if let elf = try? Data(contentsOf: candidate, options: .mappedIfSafe), KernelImage.hasPVHNote(elf) {
        vmlinux = candidate
      }
      release = (try? String(contentsOf: path.appendingPathComponent("include/config/kernel.release"), encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
    } else {
      image = path
    }
    let version = try release.flatMap { $0.isEmpty ? nil : $0 } ?? KernelImage.release(ofBzImage: image)
    if vmlinux == nil {
      let stamp = try fileStamp(image)
      let directory = cacheDirectory.appendingPathComponent("explicit/\(SHA256.hex(stamp).prefix(16))")
      vmlinux = try cachedVmlinux(from: image, in: directory)
    }
    guard let modules else { throw KernelError.explicitModulesMissing(kernel: path.path) }
    let kernel = Kernel(version: version, image: image, vmlinux: vmlinux, modulesRoot: modules, source: .explicit)
    guard FileManager.default.fileExists(atPath: kernel.modulesDirectory.path) else {
      throw KernelError.modulesDirectoryMissing(path: modules.path, version: version)
    }
    return kernel
  }

  // MARK: - Host

  struct HostFiles {
    var release: String
    var image: URL
  }

  func hostKernelFiles() -> HostFiles? {
    var names = utsname()
    guard uname(&names) == 0 else { return nil }
    let release = withUnsafeBytes(of: names.release) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    let image = "/boot/vmlinuz-\(release)"
    guard access(image, R_OK) == 0, FileManager.default.fileExists(atPath: "/lib/modules/\(release)/modules.dep")
    else { return nil }
    return HostFiles(release: release, image: URL(fileURLWithPath: image))
  }

  func hostKernel(_ host: HostFiles) throws -> Kernel {
    let directory = cacheDirectory.appendingPathComponent("host-\(host.release)")
    let vmlinux = try cachedVmlinux(from: host.image, in: directory)
    return Kernel(
      version: host.release, image: host.image, vmlinux: vmlinux, modulesRoot: URL(fileURLWithPath: "/"),
      source: .host)
  }

  /// Extracts the vmlinux once into `directory` (under a lock), or nil when it is not PVH-bootable.
  func cachedVmlinux(from image: URL, in directory: URL) throws -> URL? {
    let vmlinux = directory.appendingPathComponent("vmlinux")
    let noPVH = directory.appendingPathComponent("vmlinux.no-pvh")
    return try CacheLock.withLock(directory.appendingPathExtension("lock")) {
      if FileManager.default.fileExists(atPath: vmlinux.path) {
        switch CacheIntegrity.verify(vmlinux) {
        case .intact: return vmlinux
        case .unrecorded:
          try? CacheIntegrity.record(vmlinux)
          return vmlinux
        case .damaged(let why):
          progress("the cached vmlinux of \(image.lastPathComponent) is damaged (\(why)); extracting it again")
          CacheIntegrity.remove(vmlinux)
        }
      }
      if FileManager.default.fileExists(atPath: noPVH.path) { return nil }
      try Paths.ensureDirectory(directory)
      progress("extracting vmlinux from \(image.lastPathComponent)")
      if try KernelImage.extractVmlinux(from: image, to: vmlinux) {
        try? CacheIntegrity.record(vmlinux)
        return vmlinux
      }
      try? FileManager.default.removeItem(at: vmlinux)
      _ = FileManager.default.createFile(atPath: noPVH.path, contents: Data())
      return nil
    }
  }

  func fileStamp(_ url: URL) throws -> String {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(url.standardizedFileURL.path)\n\(size)\n\(mtime)"
  }

  // MARK: - Debian

  /// Kernels already unpacked in the cache (complete entries only: `kernel.json` is written last).
  func cachedKernels() -> [Kernel] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path)) ?? []
    return entries.sorted(by: Self.versionOrder).compactMap { entry in
      let directory = cacheDirectory.appendingPathComponent(entry)
      guard let data = try? Data(contentsOf: directory.appendingPathComponent("kernel.json")),
        let record = try? JSONDecoder().decode(CacheRecord.self, from: data)
      else { return nil }
      return record.kernel(in: directory)
    }
  }

  struct CacheRecord: Codable {
    var version: String
    var package: String
    var hasVmlinux: Bool

    func kernel(in directory: URL) -> Kernel {
      let root = directory.appendingPathComponent("root")
      return Kernel(
        version: version, image: root.appendingPathComponent("boot/vmlinuz-\(version)"),
        vmlinux: hasVmlinux ? directory.appendingPathComponent("vmlinux") : nil, modulesRoot: root,
        source: .debianPackage(package))
    }
  }

  /// Installable `linux-image-<release>-amd64` packages (the generic flavour, signed), newest first.
  func debianPackageNames(matching version: String?) throws -> [String] {
    let output = try Command("apt-cache", ["pkgnames", "linux-image-"]).run().stdoutText
    let names = output.split(separator: "\n").map(String.init).filter { name in
      guard name.hasSuffix("-amd64"), !name.hasSuffix("-rt-amd64"), !name.hasSuffix("-cloud-amd64") else {
        return false
      }
      let release = name.dropFirst("linux-image-".count)
      guard let first = release.first, first.isNumber else { return false }
      return version.map { Self.release(String(release), matches: $0) } ?? true
    }
    return names.sorted { Self.versionOrder($1, $0) }
  }

  /// Orders release strings by their numeric runs, so 6.1.0-56 comes after 6.1.0-9.
  static func versionOrder(_ a: String, _ b: String) -> Bool {
    func parts(_ s: String) -> [Either] {
      var result: [Either] = []
      var current = ""
      var numeric = false
      for ch in s {
        if ch.isNumber != numeric, !current.isEmpty {
          result.append(numeric ? .number(Int(current) ?? 0) : .text(current))
          current = ""
        }
        numeric = ch.isNumber
        current.append(ch)
      }
      if !current.isEmpty { result.append(numeric ? .number(Int(current) ?? 0) : .text(current)) }
      return result
    }
    let (pa, pb) = (parts(a), parts(b))
    for (x, y) in zip(pa, pb) where x != y {
      switch (x, y) {
      case (.number(let i), .number(let j)): return i < j
      case (.text(let s), .text(let t)): return s < t
      case (.number, .text): return false
      case (.text, .number): return true
      }
    }
    return pa.count < pb.count
  }

  enum Either: Equatable {
    case number(Int)
    case text(String)
  }

  func debianKernel(version: String) throws -> Kernel {
    // A cached kernel wins: it boots offline and keeps a learner's lessons on the same kernel across apt updates.
    if let cached = cachedKernels().filter({ Self.release($0.version, matches: version) }).last {
      guard let damage = Self.damage(of: cached), case .debianPackage(let package) = cached.source else { return cached }
      progress("the cached kernel \(cached.version) is damaged (\(damage)); fetching it again")
      try CacheLock.withLock(cacheDirectory.appendingPathComponent(".\(cached.version).lock")) {
        try? FileManager.default.removeItem(at: cacheDirectory.appendingPathComponent(cached.version))
      }
      return try fetch(package: package)
    }
    guard let package = try debianPackageNames(matching: version).first else {
      throw KernelError.noDebianPackage(version: version)
    }
    return try fetch(package: package)
  }

  /// Why a cached kernel cannot be used (its image or vmlinux is not what was recorded), or nil. Files cached before
  /// sums were kept get theirs now.
  static func damage(of kernel: Kernel) -> String? {
    for file in [kernel.image] + (kernel.vmlinux.map { [$0] } ?? []) {
      guard FileManager.default.fileExists(atPath: file.path) else { return "\(file.lastPathComponent) is missing" }
      switch CacheIntegrity.verify(file) {
      case .intact: continue
      case .unrecorded: try? CacheIntegrity.record(file)
      case .damaged(let why): return "\(file.lastPathComponent): \(why)"
      }
    }
    return nil
  }

  /// What a kernel package needs in the cache, unpacked: its modules are stored uncompressed and a vmlinux is
  /// extracted (Debian's 6.1: a 70 MB package became 467 MB).
  static func unpackedSize(packageBytes: Int?) -> UInt64 {
    packageBytes.map { UInt64($0) * 8 } ?? 600_000_000
  }

  /// Downloads, unpacks and prepares one kernel package into `<cache>/<release>`.
  func fetch(package: String) throws -> Kernel {
    let release = String(package.dropFirst("linux-image-".count))
    do {
      return try fetchUnwrapped(package: package, release: release)
    } catch {
      throw CacheSpaceError.wrapping(error, path: cacheDirectory.path, what: "the kernel \(release)")
    }
  }

  private func fetchUnwrapped(package: String, release: String) throws -> Kernel {
    let destination = cacheDirectory.appendingPathComponent(release)
    try Paths.ensureDirectory(cacheDirectory)
    return try CacheLock.withLock(cacheDirectory.appendingPathComponent(".\(release).lock")) {
      if let data = try? Data(contentsOf: destination.appendingPathComponent("kernel.json")),
        let record = try? JSONDecoder().decode(CacheRecord.self, from: data)
      {
        return record.kernel(in: destination)
      }
      let work = cacheDirectory.appendingPathComponent(".build-\(release)-\(getpid())")
      try? FileManager.default.removeItem(at: work)
      try Paths.ensureDirectory(work)
      defer { try? FileManager.default.removeItem(at: work) }

      let size = (try? Command("apt-cache", ["show", "--no-all-versions", package]).run().stdoutText)
        .flatMap { text in
          text.split(separator: "\n").first { $0.hasPrefix("Size:") }
            .flatMap { Int($0.dropFirst(5).trimmingCharacters(in: .whitespaces)) }
        }
      try DiskSpace.require(
        Self.unpackedSize(packageBytes: size), at: cacheDirectory, for: "the kernel \(release) (package \(package))",
        available: availableSpace)
      progress("downloading \(package)" + (size.map { " (\($0 / 1_000_000) MB)" } ?? ""))
      try Command("apt-get", ["download", "-q", package], currentDirectory: work).run()
      guard
        let deb = try FileManager.default.contentsOfDirectory(atPath: work.path).first(where: { $0.hasSuffix(".deb") })
      else {
        throw KernelError.packageLayout(package: package, detail: "apt-get download produced no .deb")
      }
      progress("unpacking \(deb)")
      let root = work.appendingPathComponent("root")
      try Command("dpkg", ["-x", work.appendingPathComponent(deb).path, root.path]).run()
      try? FileManager.default.removeItem(at: work.appendingPathComponent(deb))
      try? FileManager.default.removeItem(at: root.appendingPathComponent("usr/share"))
      let modules = root.appendingPathComponent("lib/modules/\(release)")
      let image = root.appendingPathComponent("boot/vmlinuz-\(release)")
      guard FileManager.default.fileExists(atPath: modules.path), FileManager.default.fileExists(atPath: image.path)
      else {
        throw KernelError.packageLayout(package: package, detail: "no boot/vmlinuz-\(release) or lib/modules/\(release)")
      }
      try ModuleFiles.decompressAll(under: modules, progress: progress)
      progress("depmod \(release)")
      try Command("depmod", ["-b", root.path, release]).run()
      progress("extracting vmlinux")
      let hasVmlinux = try KernelImage.extractVmlinux(from: image, to: work.appendingPathComponent("vmlinux"))
      if !hasVmlinux { try? FileManager.default.removeItem(at: work.appendingPathComponent("vmlinux")) }
      let record = CacheRecord(version: release, package: package, hasVmlinux: hasVmlinux)
      try CacheIntegrity.record(image)
      if hasVmlinux { try CacheIntegrity.record(work.appendingPathComponent("vmlinux")) }
      try JSONEncoder().encode(record).write(to: work.appendingPathComponent("kernel.json"))
      try? FileManager.default.removeItem(at: destination)
      try FileManager.default.moveItem(at: work, to: destination)
      return record.kernel(in: destination)
    }
  }
}
