import Foundation

/// What the installed QEMU offers: its device names and each device's properties, asked of QEMU itself
/// (through ``QEMUFacts``) rather than copied into qlearn, and cached per QEMU binary.
public struct QEMUCapabilities: Sendable, Codable, Equatable {
  /// Identifies the binary the table was read from (path, size, modification time).
  public var binary: String
  public var devices: Set<String>
  public var properties: [String: Set<String>]

  public static let defaultBinary = "qemu-system-x86_64"

  /// The device names and property names of ``QEMUFacts`` (which reads them from QEMU once per binary and caches them
  /// in `cacheDirectory`). `devices` is no longer needed (every kind is read at once) but kept for callers. Returns
  /// nil when QEMU is not installed.
  public static func load(
    cacheDirectory: URL, devices wanted: Set<String> = [], binary: String = defaultBinary
  ) throws -> QEMUCapabilities? {
    guard let facts = try QEMUFacts.load(cacheDirectory: cacheDirectory, binary: binary) else { return nil }
    return QEMUCapabilities(
      binary: facts.binary, devices: Set(facts.kinds.keys),
      properties: facts.kinds.mapValues { Set($0.properties.keys) })
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
}
