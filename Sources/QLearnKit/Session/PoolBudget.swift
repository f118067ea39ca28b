import Foundation

/// How much memory the warm pool may hold: pooled guests are booted ahead of need, so they must never squeeze the
/// learner's own work.
///
/// The default is ``defaultShare`` (a quarter) of the host's available memory, counted as `MemAvailable` from
/// `/proc/meminfo` plus what the pool already holds (its guests are part of the host's use, not of what is free).
/// `--budget` or `QLEARN_POOL_BUDGET` sets it: a size (`2G`, `768M`) or a share of that memory (`40%`).
public struct PoolBudget: Sendable, Equatable {
  public static let defaultShare = 25
  public static let environmentVariable = "QLEARN_POOL_BUDGET"
  /// What QEMU holds besides guest RAM for a guest still booting (its code buffer, device state): added to the
  /// guest's RAM size to bound a boot's memory before it can be measured.
  public static let qemuOverhead: UInt64 = 128 << 20

  public var bytes: UInt64
  /// Where the figure comes from, for `qlearn pool` and a refusal.
  public var origin: String

  public init(bytes: UInt64, origin: String) {
    self.bytes = bytes
    self.origin = origin
  }

  /// The budget `setting` (nil: the default share) when the host has `available` bytes free and the pool holds `pooled`.
  public static func resolve(_ setting: String?, available: UInt64, pooled: UInt64) throws -> PoolBudget {
    let base = available + pooled
    let text = setting?.trimmingCharacters(in: .whitespaces) ?? ""
    if text.isEmpty {
      return PoolBudget(
        bytes: base / 100 * UInt64(defaultShare),
        origin: "\(defaultShare) % of the host's available memory (\(PoolBudget.format(base)))")
    }
    if text.hasSuffix("%"), let share = UInt64(text.dropLast()), share <= 100 {
      return PoolBudget(bytes: base / 100 * share, origin: "\(share) % of the host's available memory (\(PoolBudget.format(base)))")
    }
    if let size = ByteCount(parsing: text) {
      return PoolBudget(bytes: size.bytes, origin: "set to \(text)")
    }
    throw PoolError.badBudget(text)
  }

  /// `MemAvailable` from `/proc/meminfo`, in bytes.
  public static func memAvailable(meminfo: String? = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))
    -> UInt64
  {
    kilobytes(named: "MemAvailable:", in: meminfo ?? "") * 1024
  }

  /// The resident memory of a process (`VmRSS` in `/proc/PID/status`), in bytes; 0 once it is gone.
  public static func residentBytes(of pid: Int32) -> UInt64 {
    kilobytes(named: "VmRSS:", in: (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "") * 1024
  }

  static func kilobytes(named name: String, in text: String) -> UInt64 {
    for line in text.split(separator: "\n") where line.hasPrefix(name) {
      return UInt64(line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
    return 0
  }

  /// `1.2 GiB`, `340 MiB`.
  public static func format(_ bytes: UInt64) -> String {
    bytes >= 1 << 30
      ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) : "\(bytes >> 20) MiB"
  }
}
