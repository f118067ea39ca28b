import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A loadable module in load order: its canonical name and its path relative to `lib/modules/<version>`.
public struct ResolvedModule: Sendable, Hashable {
  /// The name the kernel uses (`nvme_core`): underscores, no suffix.
  public var name: String
  /// As written in modules.dep, e.g. `kernel/drivers/nvme/host/nvme.ko`.
  public var path: String
}

/// Turns module names into the files to load, from the kernel's own depmod tables.
///
/// depmod already computed the dependencies; reading modules.dep keeps qlearn from copying driver tables into code, and
/// works for any kernel, packaged or self-built.
public struct ModuleResolver: Sendable {
  public let version: String
  public let directory: URL
  /// Canonical name -> modules.dep path.
  let paths: [String: String]
  /// modules.dep path -> its dependencies as depmod listed them (deepest last).
  let dependencies: [String: [String]]
  let builtin: Set<String>
  let aliases: [(pattern: String, module: String)]

  public init(kernel: Kernel) throws {
    try self.init(modulesDirectory: kernel.modulesDirectory, version: kernel.version)
  }

  public init(modulesDirectory: URL, version: String) throws {
    self.version = version
    self.directory = modulesDirectory
    let depFile = modulesDirectory.appendingPathComponent("modules.dep")
    guard let depText = try? String(contentsOf: depFile, encoding: .utf8) else {
      throw ModuleError.noModulesDep(path: depFile.path, version: version)
    }
    var paths: [String: String] = [:]
    var dependencies: [String: [String]] = [:]
    for line in depText.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let path = String(line[..<colon])
      paths[Self.canonicalName(ofPath: path)] = path
      dependencies[path] = line[line.index(after: colon)...].split(separator: " ").map(String.init)
    }
    self.paths = paths
    self.dependencies = dependencies
    let builtinText =
      (try? String(contentsOf: modulesDirectory.appendingPathComponent("modules.builtin"), encoding: .utf8)) ?? ""
    builtin = Set(builtinText.split(separator: "\n").map { Self.canonicalName(ofPath: String($0)) })
    let aliasText =
      (try? String(contentsOf: modulesDirectory.appendingPathComponent("modules.alias"), encoding: .utf8)) ?? ""
    aliases = aliasText.split(separator: "\n").compactMap { line in
      let words = line.split(separator: " ", maxSplits: 2)
      guard words.count == 3, words[0] == "alias" else { return nil }
      return (String(words[1]), Self.canonicalName(String(words[2])))
    }
  }

  /// `nvme-core` and `nvme_core` are the same module to the kernel; qlearn compares the underscore form.
  public static func canonicalName(_ name: String) -> String {
    name.replacingOccurrences(of: "-", with: "_")
  }

  static func canonicalName(ofPath path: String) -> String {
    var base = Substring(path.split(separator: "/").last ?? Substring(path))
    for suffix in [".xz", ".zst", ".gz"] where base.hasSuffix(suffix) { base = base.dropLast(suffix.count) }
    if base.hasSuffix(".ko") { base = base.dropLast(3) }
    return canonicalName(String(base))
  }

  public func isBuiltin(_ name: String) -> Bool { builtin.contains(Self.canonicalName(name)) }

  /// The modules to load for `names`, dependencies first, each once; built-in modules are skipped.
  ///
  /// - Throws: ``ModuleError/unknownModule(name:version:)`` for a name that is neither loadable nor built in.
  public func resolve(_ names: [String]) throws -> [ResolvedModule] {
    var order: [ResolvedModule] = []
    var seen: Set<String> = []
    func visit(_ path: String) {
      guard seen.insert(path).inserted else { return }
      // depmod lists the whole closure with the deepest dependency last: walking it backwards, depth-first, yields
      // an order in which every module follows all of its own dependencies.
      for dependency in (dependencies[path] ?? []).reversed() { visit(dependency) }
      order.append(ResolvedModule(name: Self.canonicalName(ofPath: path), path: path))
    }
    for name in names {
      let canonical = Self.canonicalName(name)
      if let path = paths[canonical] {
        visit(path)
      } else if !builtin.contains(canonical) {
        throw ModuleError.unknownModule(name: name, version: version)
      }
    }
    return order
  }

  /// Modules whose `modules.alias` patterns match a device's modalias (as mdev and modprobe would pick them).
  public func modules(forModalias modalias: String) -> [String] {
    var result: [String] = []
    for (pattern, module) in aliases where fnmatch(pattern, modalias, 0) == 0 && !result.contains(module) {
      result.append(module)
    }
    return result
  }
}

public enum ModuleError: Error, Sendable, Equatable {
  case noModulesDep(path: String, version: String)
  case unknownModule(name: String, version: String)
}

extension ModuleError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .noModulesDep(let path, let version):
      return "Kernel \(version) has no module table at \(path)."
    case .unknownModule(let name, let version):
      return "Kernel \(version) has no module named '\(name)', neither loadable nor built in."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .noModulesDep(_, let version):
      return "Run `depmod -b <modules root> \(version)`, or remove this kernel from the qlearn cache to fetch it again."
    case .unknownModule:
      return "Check the spelling against `modinfo`/modules.dep of that kernel, or pick a kernel whose config enables it."
    }
  }
}
