import Foundation

/// Builds the guest's initramfs from the host's own Debian parts: busybox-static, the kernel's modules, qemu-ga and the
/// lesson's tools with their shared libraries. Images are cached by a hash of every input.
public struct InitramfsBuilder: Sendable {
  public var cacheDirectory: URL
  public var compression: InitramfsCompression
  public var progress: @Sendable (String) -> Void
  /// Free bytes where the cache is (a test gives a small number to play a full disk).
  public var availableSpace: @Sendable (URL) -> UInt64? = { DiskSpace.available(at: $0) }
  /// Where busybox-static and qemu-ga live on Debian.
  public var busybox = URL(fileURLWithPath: "/bin/busybox")
  public var guestAgent = URL(fileURLWithPath: "/usr/sbin/qemu-ga")

  /// Bumped when the layout of the image changes in a way the inputs do not show.
  static let formatVersion = "qlearn-initramfs-2"

  /// Data files a tool reads at run time, copied along with it when present on the host.
  static let toolData: [String: [String]] = [
    "lspci": ["/usr/share/misc/pci.ids"],
    "mkfs.ext4": ["/etc/mke2fs.conf"], "mke2fs": ["/etc/mke2fs.conf"], "mkfs.ext2": ["/etc/mke2fs.conf"],
    "mkfs.ext3": ["/etc/mke2fs.conf"],
  ]

  /// - Parameter compression: `.none` by default: measured under TCG here it reached the ready line sooner than gzip
  ///   (see Benchmarks/initramfs.sh); the kernel copies a plain archive but must inflate a gzip one.
  public init(
    cacheDirectory: URL, compression: InitramfsCompression = .none,
    progress: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.cacheDirectory = cacheDirectory
    self.compression = compression
    self.progress = progress
  }

  /// The image for `spec`, built on first use and then served from the cache. A cached image is checked against the
  /// size and hash recorded when it was built; a damaged one is rebuilt, saying so.
  public func image(for spec: GuestImageSpec) throws -> URL {
    let plan = try plan(for: spec)
    let suffix = compression == .gzip ? ".cpio.gz" : ".cpio"
    let image = cacheDirectory.appendingPathComponent("\(plan.key)\(suffix)")
    if usable(image) {
      ImageCachePruner.markUsed(image)
      return image
    }
    try Paths.ensureDirectory(cacheDirectory)
    return try CacheLock.withLock(cacheDirectory.appendingPathComponent(".\(plan.key).lock")) {
      if usable(image) {
        ImageCachePruner.markUsed(image)
        return image
      }
      progress("building initramfs for \(spec.kernel.version): \(plan.modules.count) modules, \(spec.tools.count) tools")
      let temporary = cacheDirectory.appendingPathComponent(".\(plan.key).\(getpid()).cpio")
      defer {
        try? FileManager.default.removeItem(at: temporary)
        try? FileManager.default.removeItem(at: temporary.appendingPathExtension("gz"))
      }
      let archive = try archive(for: spec, plan: plan)
      let size = Self.estimatedSize(archive)
      try DiskSpace.require(
        compression == .gzip ? size * 2 : size + (16 << 20), at: cacheDirectory, for: "the guest image (initramfs)",
        available: availableSpace)
      do {
        try archive.write(to: temporary)
        var built = temporary
        if compression == .gzip {
          try Command("gzip", ["-n", "-6", "-f", temporary.path]).run()
          built = temporary.appendingPathExtension("gz")
        }
        try FileManager.default.moveItem(at: built, to: image)
        try CacheIntegrity.record(image)
      } catch {
        CacheIntegrity.remove(image)
        throw CacheSpaceError.wrapping(error, path: cacheDirectory.path, what: "the guest image (initramfs)")
      }
      let pruned = ImageCachePruner(directory: cacheDirectory).prune()
      if pruned.images > 0 {
        progress("removed \(pruned.images) initramfs images unused lately (\(pruned.bytes >> 20) MB) from \(cacheDirectory.path)")
      }
      return image
    }
  }

  /// Whether the cached image exists and is whole. A damaged one is removed (and said, once: the rebuild replaces it);
  /// one from before sums were kept is checked for its cpio trailer, then gets its sum.
  func usable(_ image: URL) -> Bool {
    guard FileManager.default.fileExists(atPath: image.path) else { return false }
    switch CacheIntegrity.verify(image) {
    case .intact:
      return true
    case .unrecorded:
      if image.pathExtension == "cpio", !CacheIntegrity.cpioLooksComplete(image) {
        progress("the cached initramfs \(image.lastPathComponent) is truncated (no cpio trailer); rebuilding it")
        CacheIntegrity.remove(image)
        return false
      }
      try? CacheIntegrity.record(image)
      return true
    case .damaged(let why):
      progress("the cached initramfs \(image.lastPathComponent) is damaged (\(why)); rebuilding it")
      CacheIntegrity.remove(image)
      return false
    }
  }

  /// The archive's size before it is written: its files, data and headers (within a few kB).
  static func estimatedSize(_ archive: CpioArchive) -> UInt64 {
    archive.entries.reduce(UInt64(4096)) { total, item in
      let body: UInt64
      switch item.value.content {
      case .file(let url):
        body = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
      case .data(let data): body = UInt64(data.count)
      case .symlink(let target): body = UInt64(target.utf8.count)
      case .directory: body = 0
      }
      return total + 120 + UInt64(item.key.utf8.count) + body
    }
  }

  // MARK: - Plan

  /// What goes into an image, resolved on the host, and the cache key over it.
  struct Plan {
    var modules: [ResolvedModule]
    var tools: [(name: String, url: URL)]
    var initText: String
    var key: String
  }

  /// Resolves modules and tools and computes the cache key: format version, compression, kernel release, init text,
  /// and path+size+mtime of every module, modules.dep, busybox, qemu-ga, each tool and its data files.
  /// Shared libraries are deliberately not stamped (that would cost an `ldd` per tool on every lookup): a library
  /// upgrade alone keeps serving the older, self-consistent copy until a tool changes or the cache is cleared.
  func plan(for spec: GuestImageSpec) throws -> Plan {
    let resolver = try ModuleResolver(kernel: spec.kernel)
    let modules = try resolver.resolve(spec.modules)
    let tools = try spec.tools.map { name -> (name: String, url: URL) in
      guard let url = Command.which(name) else { throw GuestImageError.toolNotFound(name: name) }
      return (name, url)
    }
    let moduleDirectory = "/lib/modules/\(spec.kernel.version)"
    let initText = InitScript.text(
      moduleDirectory: moduleDirectory, modules: modules.map { ModuleFiles.uncompressedName($0.path) },
      guestAgent: spec.guestAgent, switchRoot: spec.switchRoot)
    var hasher = SHA256()
    func add(_ line: String) { hasher.update(line + "\n") }
    add(Self.formatVersion)
    add(compression.rawValue)
    add(spec.kernel.version)
    add(initText)
    for module in modules {
      add(try stamp(spec.kernel.modulesDirectory.appendingPathComponent(module.path)))
    }
    add(try stamp(spec.kernel.modulesDirectory.appendingPathComponent("modules.dep")))
    add(try stamp(busybox))
    if spec.guestAgent { add(try stamp(guestAgent)) }
    for tool in tools {
      add(tool.name)
      add(try stamp(tool.url))
      for data in Self.toolData[tool.name] ?? [] where FileManager.default.fileExists(atPath: data) {
        add(try stamp(URL(fileURLWithPath: data)))
      }
    }
    let key = hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    return Plan(modules: modules, tools: tools, initText: initText, key: key)
  }

  /// Path, size and mtime (after following symlinks): cheap to read, and changes whenever a package upgrade does.
  func stamp(_ url: URL) throws -> String {
    let resolved = url.resolvingSymlinksInPath()
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: resolved.path)
      let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
      let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      return "\(url.path) \(resolved.path) \(size) \(mtime)"
    } catch {
      throw GuestImageError.unreadableInput(path: url.path, reason: error.localizedDescription)
    }
  }

  // MARK: - Contents

  func archive(for spec: GuestImageSpec, plan: Plan) throws -> CpioArchive {
    var archive = CpioArchive()
    for directory in ["dev", "proc", "sys", "run", "tmp", "root", "etc", "bin", "sbin", "usr/bin", "usr/sbin", "mnt", "var"] {
      archive.add(directory, .directory, mode: directory == "tmp" ? 0o1777 : 0o755)
    }
    archive.add("var/run", .symlink("/run"), mode: 0o777)
    archive.add("etc/fstab", .data(Data(InitScript.fstab.utf8)), mode: 0o644)
    // Tools first, so a busybox applet of the same name does not shadow the real program.
    var programs: [URL] = []
    for tool in plan.tools {
      let path = String(tool.url.path.dropFirst())
      archive.add(path, .file(tool.url.resolvingSymlinksInPath()), mode: 0o755)
      programs.append(tool.url)
      for data in Self.toolData[tool.name] ?? [] where FileManager.default.fileExists(atPath: data) {
        archive.add(String(data.dropFirst()), .file(URL(fileURLWithPath: data).resolvingSymlinksInPath()), mode: 0o644)
      }
    }
    archive.add("bin/busybox", .file(busybox), mode: 0o755)
    let applets = try Command(busybox.path, ["--list-full"]).run().stdoutText
    // A busybox that lists no shell (a damaged or replaced binary) would make an image that panics at boot, and the
    // cache would keep serving it: refuse it here instead.
    guard applets.split(separator: "\n").contains("bin/sh") else {
      throw GuestImageError.unreadableInput(
        path: busybox.path, reason: "it is not a busybox that provides /bin/sh (reinstall busybox-static)")
    }
    for applet in applets.split(separator: "\n").map(String.init) where !applet.isEmpty {
      if !archive.contains(applet) { archive.add(applet, .symlink("/bin/busybox"), mode: 0o777) }
    }
    if spec.guestAgent {
      archive.add("usr/sbin/qemu-ga", .file(guestAgent), mode: 0o755)
      programs.append(guestAgent)
    }
    for program in programs {
      for library in try SharedLibraries.of(program) {
        archive.add(String(library.dropFirst()), .file(URL(fileURLWithPath: library).resolvingSymlinksInPath()), mode: 0o755)
      }
    }
    try addModules(plan.modules, kernel: spec.kernel, to: &archive)
    if plan.tools.contains(where: { $0.name == "lspci" }) {
      try addKmodIndexes(kernel: spec.kernel, to: &archive)
    }
    archive.add("init", .data(Data(plan.initText.utf8)), mode: 0o755)
    archive.add("etc/mdev.conf", .data(Data(#"$MODALIAS=.* 0:0 0660 @/sbin/modprobe -b "$MODALIAS""#.utf8 + [10])), mode: 0o644)
    archive.add("etc/passwd", .data(Data("root:x:0:0:root:/root:/bin/sh\n".utf8)), mode: 0o644)
    archive.add("etc/group", .data(Data("root:x:0:\n".utf8)), mode: 0o644)
    archive.add("etc/hostname", .data(Data("vm\n".utf8)), mode: 0o644)
    return archive
  }

  /// Copies the modules (decompressed) and writes module tables that name only them, so that busybox modprobe,
  /// run by mdev for a hot-added device, finds the driver and its dependencies.
  func addModules(_ modules: [ResolvedModule], kernel: Kernel, to archive: inout CpioArchive) throws {
    let base = "lib/modules/\(kernel.version)"
    let source = kernel.modulesDirectory
    let included = Set(modules.map(\.path))
    for module in modules {
      let data = try ModuleFiles.decompressed(source.appendingPathComponent(module.path))
      archive.add("\(base)/\(ModuleFiles.uncompressedName(module.path))", .data(data), mode: 0o644)
    }
    let depText = (try? String(contentsOf: source.appendingPathComponent("modules.dep"), encoding: .utf8)) ?? ""
    var dep = ""
    for line in depText.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":"), included.contains(String(line[..<colon])) else { continue }
      let names = line.split(separator: " ").map { ModuleFiles.uncompressedName(String($0)) }
      dep += names.joined(separator: " ") + "\n"
    }
    archive.add("\(base)/modules.dep", .data(Data(dep.utf8)), mode: 0o644)
    let names = Set(modules.map(\.name))
    let aliasText = (try? String(contentsOf: source.appendingPathComponent("modules.alias"), encoding: .utf8)) ?? ""
    let aliases = aliasText.split(separator: "\n").filter { line in
      let words = line.split(separator: " ")
      return words.count == 3 && names.contains(ModuleResolver.canonicalName(String(words[2])))
    }
    archive.add("\(base)/modules.alias", .data(Data((aliases.joined(separator: "\n") + "\n").utf8)), mode: 0o644)
    for table in ["modules.builtin", "modules.order"] {
      let url = source.appendingPathComponent(table)
      if FileManager.default.fileExists(atPath: url.path) { archive.add("\(base)/\(table)", .file(url), mode: 0o644) }
    }
  }
}

extension InitramfsBuilder {
  /// The binary module indexes libkmod loads (`lspci -k`'s "Kernel modules:" line; without them lspci warns "Unable
  /// to load libkmod resources: error -2"), built by the host's depmod over exactly the modules in the image.
  func addKmodIndexes(kernel: Kernel, to archive: inout CpioArchive) throws {
    let base = "lib/modules/\(kernel.version)"
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-depmod-\(getpid())-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    let tree = work.appendingPathComponent(base)
    try Paths.ensureDirectory(tree)
    for (path, entry) in archive.entries where path.hasPrefix(base + "/") {
      guard case .data(let data) = entry.content else { continue }
      let url = work.appendingPathComponent(path)
      try Paths.ensureDirectory(url.deletingLastPathComponent())
      try data.write(to: url)
    }
    for table in ["modules.builtin", "modules.builtin.modinfo", "modules.order"] {
      let url = kernel.modulesDirectory.appendingPathComponent(table)
      if FileManager.default.fileExists(atPath: url.path) {
        try? FileManager.default.copyItem(at: url, to: tree.appendingPathComponent(table))
      }
    }
    try Command("depmod", ["-b", work.path, kernel.version]).run()
    for index in ["modules.dep.bin", "modules.alias.bin", "modules.symbols.bin", "modules.builtin.bin", "modules.builtin.alias.bin"] {
      let url = tree.appendingPathComponent(index)
      if let data = FileManager.default.contents(atPath: url.path) {
        archive.add("\(base)/\(index)", .data(data), mode: 0o644)
      }
    }
  }
}

public enum GuestImageError: Error, Sendable, Equatable {
  case toolNotFound(name: String)
  case missingLibrary(program: String, line: String)
  case unreadableInput(path: String, reason: String)
}

extension GuestImageError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .toolNotFound(let name):
      return "The lesson needs the program '\(name)' in the guest, but it is not installed on this host."
    case .missingLibrary(let program, let line):
      return "\(program) needs a library the host lacks: \(line)."
    case .unreadableInput(let path, let reason):
      return "Cannot read \(path) to build the guest image: \(reason)."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .toolNotFound(let name):
      return "Install the Debian package that provides '\(name)' (`apt-file search bin/\(name)` names it)."
    case .missingLibrary:
      return "Reinstall the package that provides the program so its dependencies come with it."
    case .unreadableInput:
      return "Check the file exists and is readable; remove the kernel from the qlearn cache if it is a module."
    }
  }
}
