import Foundation

/// What the installed QEMU offers: its device names and each device's properties, asked of QEMU itself
/// (`-device help`, `-device NAME,help`) rather than copied into qlearn, and cached per QEMU binary.
public struct QEMUCapabilities: Sendable, Codable, Equatable {
  /// Identifies the binary the table was read from (path, size, modification time).
  public var binary: String
  public var devices: Set<String>
  public var properties: [String: Set<String>]

  public static let defaultBinary = "qemu-system-x86_64"

  /// Loads the table from `cacheDirectory`, asking QEMU only for what is missing. Returns nil when QEMU is not installed.
  public static func load(
    cacheDirectory: URL, devices wanted: Set<String>, binary: String = defaultBinary
  ) throws -> QEMUCapabilities? {
    guard let path = Command.which(binary)?.path else { return nil }
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let stamp = "\(path) \(attributes[.size] ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    let cacheFile = cacheDirectory.appendingPathComponent("qemu-capabilities.json")
    var table = (try? JSONDecoder().decode(Self.self, from: Data(contentsOf: cacheFile)))
    if table?.binary != stamp {
      let listing = try run(path, ["-device", "help"])
      table = QEMUCapabilities(binary: stamp, devices: parseDeviceList(listing), properties: [:])
    }
    guard var table else { return nil }
    let missing = wanted.filter { table.devices.contains($0) && table.properties[$0] == nil }
    for device in missing.sorted() {
      table.properties[device] = parsePropertyList(try run(path, ["-device", "\(device),help"]))
    }
    if !missing.isEmpty || !FileManager.default.fileExists(atPath: cacheFile.path) {
      try Paths.ensureDirectory(cacheDirectory)
      try JSONEncoder().encode(table).write(to: cacheFile, options: .atomic)
    }
    return table
  }

  /// `name "nvme", bus PCI, desc "Non-Volatile Memory Express"` lines.
  static func parseDeviceList(_ text: String) -> Set<String> {
    Set(
      text.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("name \"") else { return nil }
        return line.dropFirst(6).split(separator: "\"", maxSplits: 1).first.map(String.init)
      })
  }

  /// `  max_ioqpairs=<uint32>  - (default: 64)` lines.
  static func parsePropertyList(_ text: String) -> Set<String> {
    Set(
      text.split(separator: "\n").compactMap { line in
        let trimmed = line.drop { $0 == " " }
        guard trimmed.count < line.count, let equals = trimmed.firstIndex(of: "=") else { return nil }
        return String(trimmed[..<equals])
      })
  }

  private static func run(_ path: String, _ arguments: [String]) throws -> String {
    try Command(path, ["-machine", "none", "-nodefaults", "-display", "none"] + arguments).run().stdoutText
  }
}
