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
  /// modules.dep path -> the byte range of its dependency list in ``depText`` (parsed only when visited).
  let dependencyRanges: [String: Range<Int>]
  let depText: [UInt8]
  let builtin: Set<String>

  public init(kernel: Kernel) throws {
    try self.init(modulesDirectory: kernel.modulesDirectory, version: kernel.version)
  }

  /// Reads modules.dep and modules.builtin. modules.alias (the largest table) is read only by
  /// ``modules(forModalias:)``: a cached image lookup resolves names on every start and should not pay for it.
  public init(modulesDirectory: URL, version: String) throws {
    self.version = version
    self.directory = modulesDirectory
    let depFile = modulesDirectory.appendingPathComponent("modules.dep")
    guard let data = try? Data(contentsOf: depFile) else {
      throw ModuleError.noModulesDep(path: depFile.path, version: version)
    }
    // Scanned as bytes: modules.dep has thousands of lines and String splitting dominates a debug build's lookup.
    let bytes = [UInt8](data)
    var paths: [String: String] = [:]
    var ranges: [String: Range<Int>] = [:]
    var lineStart = 0
    while lineStart < bytes.count {
      var lineEnd = lineStart
      var colon = -1
      while lineEnd < bytes.count, bytes[lineEnd] != 10 {
        if colon < 0, bytes[lineEnd] == 58 { colon = lineEnd }
        lineEnd += 1
      }
      if colon > lineStart {
        let path = String(decoding: bytes[lineStart..<colon], as: UTF8.self)
        paths[Self.canonicalName(ofPathBytes: bytes[lineStart..<colon])] = path
        ranges[path] = (colon + 1)..<lineEnd
      }
      lineStart = lineEnd + 1
    }
    self.paths = paths
    self.dependencyRanges = ranges
    self.depText = bytes
    let builtinText =
      (try? String(contentsOf: modulesDirectory.appendingPathComponent("modules.builtin"), encoding: .utf8)) ?? ""
    builtin = Set(builtinText.split(separator: "\n").map { Self.canonicalName(ofPath: String($0)) })
  }

  func dependencies(of path: String) -> [String] {
    guard let range = dependencyRanges[path] else { return [] }
    return depText[range].split(separator: 32).map { String(decoding: $0, as: UTF8.self) }
  }

  /// `nvme-core` and `nvme_core` are the same module to the kernel; qlearn compares the underscore form.
  public static func canonicalName(_ name: String) -> String {
    name.replacingOccurrences(of: "-", with: "_")
  }

  static func canonicalName(ofPath path: String) -> String {
    canonicalName(ofPathBytes: Array(path.utf8)[...])
  }

  /// The module name of a modules.dep path, from its bytes: basename, minus `.ko` and any compression suffix,
  /// dashes made underscores. Byte work because it runs once per line of modules.dep on every lookup.
  static func canonicalName(ofPathBytes path: ArraySlice<UInt8>) -> String {
    var start = path.startIndex
    if let slash = path.lastIndex(of: 47) { start = slash + 1 }
    var end = path.endIndex
    for suffix in [".xz", ".zst", ".gz", ".ko"] {
      let s = Array(suffix.utf8)
      if end - start >= s.count, path[(end - s.count)..<end].elementsEqual(s) { end -= s.count }
    }
    return String(decoding: path[start..<end].map { $0 == 45 ? 95 : $0 }, as: UTF8.self)
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
      for dependency in dependencies(of: path).reversed() { visit(dependency) }
      order.append(ResolvedModule(name: Self.canonicalName(ofPath: path), path: path))
    }
    var aliasTable: [(pattern: String, module: String)]?
    for name in names where name.contains(":") {
      // A modalias, as modprobe takes one: the modules whose aliases match it (none is fine: a built-in driver, or
      // none at all, which lint reports).
      if aliasTable == nil { aliasTable = loadAliases() }
      for module in Self.modules(matching: name, in: aliasTable ?? []) {
        if let path = paths[module] { visit(path) }
      }
    }
    for name in names where !name.contains(":") {
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
    Self.modules(matching: modalias, in: loadAliases())
  }

  /// `alias PATTERN MODULE` lines of modules.alias.
  func loadAliases() -> [(pattern: String, module: String)] {
    let aliasText = (try? String(contentsOf: directory.appendingPathComponent("modules.alias"), encoding: .utf8)) ?? ""
    return aliasText.split(separator: "\n").compactMap { line in
      let words = line.split(separator: " ", maxSplits: 2)
      guard words.count == 3, words[0] == "alias" else { return nil }
      return (String(words[1]), Self.canonicalName(String(words[2])))
    }
  }

  static func modules(matching modalias: String, in table: [(pattern: String, module: String)]) -> [String] {
    var result: [String] = []
    let prefix = modalias.prefix { $0 != ":" }
    for (pattern, module) in table where pattern.hasPrefix(prefix) || pattern.first == "*" {
      guard Self.matches(pattern: pattern, modalias: modalias), !result.contains(module) else { continue }
      result.append(module)
    }
    return result
  }

  /// fnmatch, except that a PCI field the modalias gives as `*` (QEMU did not say) matches only a pattern field that is
  /// `*` too: a driver that binds by class is not guessed for a device whose class is unknown.
  static func matches(pattern: String, modalias: String) -> Bool {
    if modalias.hasPrefix("pci:"), modalias.contains("*"), pattern.hasPrefix("pci:") {
      let wanted = pciFields(pattern)
      let have = pciFields(modalias)
      guard wanted.count == have.count else { return false }
      return zip(wanted, have).allSatisfy { w, h in
        w.key == h.key && (h.value == "*" ? w.value.allSatisfy { $0 == "*" } : fnmatch(w.value, h.value, 0) == 0)
      }
    }
    return fnmatch(pattern, modalias, 0) == 0
  }

  /// `pci:v00001AF4d*sv*sd*bc01sc08i02*` -> v=00001AF4, d=*, sv=*, sd=*, bc=01, sc=08, i=02* (markers are lowercase,
  /// values are upper-case hex or globs).
  static func pciFields(_ text: String) -> [(key: String, value: String)] {
    var fields: [(key: String, value: String)] = []
    var key = ""
    var value = ""
    for character in text.dropFirst(4) {
      if character.isLowercase {
        if !value.isEmpty {
          fields.append((key, value))
          key = ""
          value = ""
        }
        key.append(character)
      } else {
        value.append(character)
      }
    }
    fields.append((key, value))
    return fields
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
