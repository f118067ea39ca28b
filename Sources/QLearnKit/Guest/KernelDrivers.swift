import Foundation
import Synchronization

/// Which modaliases a kernel has a driver for: its modules.alias (loadable modules) and the aliases of its built-in
/// drivers (`modules.builtin.modinfo`). Lint asks it about every kernel in qlearn's cache, so that a device the guest
/// cannot drive is a warning at the lesson's line rather than a silent absence in the guest.
public struct KernelDrivers: Sendable {
  public var version: String
  /// PCI aliases by the vendor they name (`00008086`), and those for any vendor (`*`, drivers that bind by class).
  let pciByVendor: [Substring: [(pattern: String, module: String)]]

  public init(modulesDirectory: URL, version: String) {
    self.version = version
    var table: [(pattern: String, module: String)] = []
    let aliasText = (try? String(contentsOf: modulesDirectory.appendingPathComponent("modules.alias"), encoding: .utf8)) ?? ""
    for line in aliasText.split(separator: "\n") {
      let words = line.split(separator: " ", maxSplits: 2)
      if words.count == 3, words[0] == "alias" { table.append((String(words[1]), String(words[2]))) }
    }
    // `module.alias=pattern` records separated by NUL bytes.
    let modinfo = (try? Data(contentsOf: modulesDirectory.appendingPathComponent("modules.builtin.modinfo"))) ?? Data()
    for record in modinfo.split(separator: 0) {
      let text = String(decoding: record, as: UTF8.self)
      guard let range = text.range(of: ".alias=") else { continue }
      table.append((String(text[range.upperBound...]), String(text[..<range.lowerBound])))
    }
    var index: [Substring: [(pattern: String, module: String)]] = [:]
    for alias in table where alias.pattern.hasPrefix("pci:v") {
      index[Self.vendor(of: alias.pattern), default: []].append(alias)
    }
    pciByVendor = index
  }

  /// `00008086` of `pci:v00008086d...`, or `*`.
  static func vendor(of modalias: String) -> Substring {
    let rest = modalias.dropFirst(5)
    return rest.first == "*" ? "*" : rest.prefix(8)
  }

  /// The drivers (module names) whose aliases match a PCI `modalias`. Only the patterns naming its vendor, or any
  /// vendor, are tried: lint asks about every device of every lesson.
  public func drivers(forPCI modalias: String) -> [String] {
    let candidates = (pciByVendor[Self.vendor(of: modalias)] ?? []) + (pciByVendor["*"] ?? [])
    return ModuleResolver.modules(matching: modalias, in: candidates)
  }

  /// The versions of the kernels in qlearn's cache that have module tables.
  public static func cachedVersions(in cacheDirectory: URL) -> [String] {
    let kernels = cacheDirectory.appendingPathComponent("kernels")
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: kernels.path)) ?? []
    return versions.sorted().filter {
      FileManager.default.fileExists(atPath: kernels.appendingPathComponent("\($0)/root/lib/modules/\($0)/modules.alias").path)
    }
  }

  /// The kernels in qlearn's cache (`kernels/<version>/root/lib/modules/<version>`), read once per process.
  public static func cached(in cacheDirectory: URL) -> [KernelDrivers] {
    memo.get(cacheDirectory.path) {
      let kernels = cacheDirectory.appendingPathComponent("kernels")
      let versions = (try? FileManager.default.contentsOfDirectory(atPath: kernels.path)) ?? []
      return versions.sorted().compactMap { version in
        let modules = kernels.appendingPathComponent("\(version)/root/lib/modules/\(version)")
        guard FileManager.default.fileExists(atPath: modules.appendingPathComponent("modules.alias").path) else {
          return nil
        }
        return KernelDrivers(modulesDirectory: modules, version: version)
      }
    }
  }

  private static let memo = Memo()

  private final class Memo: Sendable {
    private let tables = Mutex<[String: [KernelDrivers]]>([:])
    func get(_ key: String, _ make: () -> [KernelDrivers]) -> [KernelDrivers] {
      tables.withLock { tables in
        if let found = tables[key] { return found }
        let made = make()
        tables[key] = made
        return made
      }
    }
  }
}
