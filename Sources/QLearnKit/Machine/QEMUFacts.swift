import Foundation
import Synchronization

/// What the installed QEMU says about its devices: every device kind with the bus it plugs into and its QOM ancestry,
/// and every property with QEMU's type for it. Read from QEMU itself (`-device help`, then one QMP process answering
/// `qom-list-types` and `device-list-properties` for every kind), never copied into qlearn, and cached per QEMU binary.
public struct QEMUFacts: Sendable, Codable, Equatable {
  /// Bumped when the cached format changes, so an old cache is rebuilt rather than misread.
  static let format = 2

  public struct Property: Sendable, Codable, Equatable {
    /// QEMU's type name: `bool`, `uint8`, `str`, `size`, `OnOffAuto`, `link<memory-backend>`, ...
    public var type: String
    public var description: String?
  }

  public struct Kind: Sendable, Codable, Equatable {
    /// The bus type it plugs into, as `-device help` names it (`PCI`, `SCSI`, `IDE`, `usb-bus`, `nvme-bus`); nil for
    /// devices on no bus (DIMMs) and `System` ones.
    public var bus: String?
    public var summary: String?
    /// QOM parents, nearest first (`pci-bridge` -> `base-pci-bridge`, `pci-device`, `device`, ...).
    public var ancestors: [String]
    public var properties: [String: Property]
  }

  public var formatVersion: Int
  /// Identifies the binary the facts were read from: its path, size, modification time and inode.
  public var binary: String
  public var kinds: [String: Kind]
  /// Kinds `-device help` lists but this QEMU cannot build (a module that is not installed aborts QEMU).
  public var unusable: [String]

  public static let fileName = "qemu-facts.json"

  /// The facts for `binary`, from `cacheDirectory` when they were read from this very binary, else asked of QEMU and
  /// saved. A cache that does not decode is rebuilt. Returns nil when QEMU is not installed.
  /// `memoized: false` reads the cache file even when this process already holds the facts (tests of the cache).
  public static func load(
    cacheDirectory: URL, binary: String = QEMUCapabilities.defaultBinary, memoized: Bool = true
  ) throws -> QEMUFacts? {
    guard let path = Command.which(binary)?.path else { return nil }
    let stamp = try Self.stamp(of: path)
    if memoized, let cached = memo.get(stamp) { return cached }
    let cacheFile = cacheDirectory.appendingPathComponent(fileName)
    if let data = try? Data(contentsOf: cacheFile), let facts = try? JSONDecoder().decode(Self.self, from: data),
      facts.binary == stamp, facts.formatVersion == format
    {
      memo.set(facts)
      return facts
    }
    let facts = try read(binary: path, stamp: stamp)
    try Paths.ensureDirectory(cacheDirectory)
    try JSONEncoder().encode(facts).write(to: cacheFile, options: .atomic)
    memo.set(facts)
    return facts
  }

  /// The facts for this user's cache directory, once per process; nil when QEMU is not installed or cannot be asked.
  public static func standard() -> QEMUFacts? {
    try? load(cacheDirectory: Paths.standard().cache)
  }

  /// `path size mtime inode`: a rebuilt or reinstalled QEMU changes at least one of them.
  static func stamp(of path: String) throws -> String {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(path) \(attributes[.size] ?? 0) \(mtime) \(attributes[.systemFileNumber] ?? 0)"
  }

  /// Asks QEMU: `-device help` for the kinds and their buses, then QMP for ancestry and properties.
  static func read(binary: String, stamp: String) throws -> QEMUFacts {
    let base = ["-machine", "none", "-nodefaults", "-no-user-config", "-display", "none"]
    let listing = try Command(binary, base + ["-device", "help"]).run().stdoutText
    var kinds: [String: Kind] = [:]
    for entry in parseDeviceList(listing) {
      kinds[entry.name] = Kind(bus: entry.bus, summary: entry.summary, ancestors: [], properties: [:])
    }
    var parents: [String: String] = [:]
    var unusable: [String] = []
    var pending = kinds.keys.sorted()[...]
    var askedTypes = false
    while !pending.isEmpty || !askedTypes {
      var commands: [(String, [String: Any]?)] = []
      if !askedTypes { commands.append(("qom-list-types", ["implements": "device", "abstract": true])) }
      commands += pending.map { ("device-list-properties", ["typename": $0]) }
      let result = try QMPBatch.run(binary: binary, arguments: base, commands: commands)
      var replies = result.replies[...]
      if !askedTypes {
        guard let first = replies.popFirst() else {
          throw QEMUFactsError.noAnswer(binary: binary, stderr: result.stderr)
        }
        askedTypes = true
        if case .value(let list as [[String: Any]]) = first {
          for type in list {
            if let name = type["name"] as? String, let parent = type["parent"] as? String { parents[name] = parent }
          }
        }
      }
      for reply in replies {
        let name = pending.removeFirst()
        if case .value(let list as [[String: Any]]) = reply {
          kinds[name]?.properties = parseProperties(list)
        }
      }
      if result.died, let name = pending.popFirst() {
        // QEMU aborted while describing this kind: it cannot build it either.
        unusable.append(name)
        kinds[name] = nil
      }
    }
    for name in kinds.keys {
      var chain: [String] = []
      var current = parents[name]
      while let type = current, chain.count < 32 {
        chain.append(type)
        current = parents[type]
      }
      kinds[name]?.ancestors = chain
    }
    return QEMUFacts(formatVersion: format, binary: stamp, kinds: kinds, unusable: unusable.sorted())
  }

  /// `name "nvme", bus PCI, desc "Non-Volatile Memory Express"` lines.
  static func parseDeviceList(_ text: String) -> [(name: String, bus: String?, summary: String?)] {
    text.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("name \"") else { return nil }
      let rest = line.dropFirst(6)
      guard let close = rest.firstIndex(of: "\"") else { return nil }
      let name = String(rest[..<close])
      var bus: String?
      var summary: String?
      if let range = rest.range(of: ", bus ") {
        bus = String(rest[range.upperBound...].prefix { $0 != "," })
      }
      if let range = rest.range(of: "desc \"") {
        summary = String(rest[range.upperBound...].dropLast(rest.hasSuffix("\"") ? 1 : 0))
      }
      return (name, bus == "System" ? nil : bus, summary)
    }
  }

  static func parseProperties(_ list: [[String: Any]]) -> [String: Property] {
    var properties: [String: Property] = [:]
    for item in list {
      guard let name = item["name"] as? String, let type = item["type"] as? String else { continue }
      // Descriptions matter for references ("ID of a netdev ..."), enum choices and `addr`; a switch's "on/off" (54,000
      // of them, mostly CPU models' features) would only make the cache slower to read.
      let description = type == "bool" ? nil : (item["description"] as? String).flatMap { $0.isEmpty ? nil : $0 }
      properties[name] = Property(type: type, description: description)
    }
    return properties
  }

  /// Whether `kind` is `type` or descends from it in QOM.
  public func kind(_ kind: String, isA type: String) -> Bool {
    kind == type || (kinds[kind]?.ancestors.contains(type) ?? false)
  }

  private static let memo = Memo()

  /// The facts read in this process, by binary stamp: lint decodes many lessons and reads the cache once.
  private final class Memo: Sendable {
    private let facts = Mutex<QEMUFacts?>(nil)
    func get(_ stamp: String) -> QEMUFacts? {
      facts.withLock { $0?.binary == stamp ? $0 : nil }
    }
    func set(_ value: QEMUFacts) {
      facts.withLock { $0 = value }
    }
  }
}

public enum QEMUFactsError: Error, Sendable, Equatable {
  case noAnswer(binary: String, stderr: String)
}

extension QEMUFactsError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .noAnswer(let binary, let stderr):
      "\(binary) did not answer QMP questions about its devices: \(TerminalSafe.line(String(stderr.prefix(300))))"
    }
  }
  public var recoverySuggestion: String? {
    "Check that `\(QEMUCapabilities.defaultBinary) -machine none -qmp stdio` starts; reinstall QEMU (qemu-system-x86 on Debian) if not."
  }
}
