import Foundation

/// Whether this host can give a lesson's VM its memory, from `/proc/meminfo`.
///
/// QEMU reserves guest RAM lazily, so a VM larger than what is free now still boots; but Linux's default overcommit
/// heuristic refuses a single allocation larger than RAM plus swap, and QEMU then dies at once ("cannot set up guest
/// memory"). `start` refuses that case itself, saying how much the host has.
public struct HostMemory: Sendable, Equatable {
  public var total: UInt64
  public var available: UInt64
  public var swap: UInt64

  /// Parses `/proc/meminfo` (values in kB).
  public static func parse(_ text: String) -> HostMemory? {
    var values: [String: UInt64] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " })
      if parts.count >= 2, let kilobytes = UInt64(parts[1]) { values[String(parts[0])] = kilobytes * 1024 }
    }
    guard let total = values["MemTotal"] else { return nil }
    return HostMemory(total: total, available: values["MemAvailable"] ?? total, swap: values["SwapTotal"] ?? 0)
  }

  public static func current() -> HostMemory? {
    (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)).flatMap(parse)
  }

  /// The most one VM may have: RAM plus swap, what the kernel's heuristic lets QEMU reserve.
  public var ceiling: UInt64 { total + swap }

  /// Throws ``LaunchError/hostMemory`` when `lesson`'s boot memory is more than this host can give.
  public func check(_ lesson: Lesson) throws {
    let wanted = lesson.machine.memory.size.bytes
    guard wanted > ceiling else { return }
    throw LaunchError.hostMemory(
      lesson: lesson.id, wanted: lesson.machine.memory.size.description, total: total, available: available, swap: swap)
  }

  static func gigabytes(_ bytes: UInt64) -> String { String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
}
