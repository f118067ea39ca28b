import Foundation

/// `/proc/interrupts`, parsed: a header naming the online CPUs, then one row per interrupt.
///
/// The header matters because the columns are the *online* CPUs: with CPU 2 offline the columns are CPU0, CPU1, CPU3, so
/// a column's position is not its CPU number.
public struct InterruptTable: Sendable, Equatable, Codable {
  public struct Row: Sendable, Equatable, Codable {
    /// The first field without its colon: an IRQ number (`24`) or a symbol (`LOC`, `NMI`).
    public var label: String
    /// Count per CPU number (not per column).
    public var counts: [Int: Int]
    /// What the row is matched against: for a numbered IRQ, the action names after the chip and hardware IRQ
    /// (`nvme0q3`, or `acpi, ata_piix` for a shared line); for a symbolic row, its label (`LOC`).
    public var name: String
    /// The row as the kernel printed it, for messages.
    public var line: String

    public var total: Int { counts.values.reduce(0, +) }
  }

  public var cpus: [Int]
  public var rows: [Row]

  public init(cpus: [Int], rows: [Row]) {
    self.cpus = cpus
    self.rows = rows
  }

  /// Parses the file's text. Lines that do not look like rows are ignored rather than fatal: the format has grown
  /// columns over the years, and grading should not break on an unusual kernel.
  public init(parsing text: String) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    guard let header = lines.first else {
      self.init(cpus: [], rows: [])
      return
    }
    let cpus = header.split(separator: " ").compactMap { word -> Int? in
      word.hasPrefix("CPU") ? Int(word.dropFirst(3)) : nil
    }
    lines.removeFirst()
    var rows: [Row] = []
    for line in lines {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard let first = fields.first, first.hasSuffix(":"), first.count > 1 else { continue }
      let label = String(first.dropLast())
      var counts: [Int: Int] = [:]
      var index = 1
      while index < fields.count, index - 1 < cpus.count, let count = Int(fields[index]) {
        counts[cpus[index - 1]] = count
        index += 1
      }
      let rest = Array(fields[index...])
      let name: String
      if Int(label) != nil {
        // chip (PCI-MSI), hardware IRQ and flow (32771-edge), then the actions joined by ", ".
        name = rest.count > 2 ? rest[2...].joined(separator: " ") : ""
      } else {
        name = label
      }
      rows.append(Row(label: label, counts: counts, name: name, line: line.trimmingCharacters(in: .whitespaces)))
    }
    self.init(cpus: cpus, rows: rows)
  }

  /// Rows whose name (or, for a shared line, one of its action names) matches `regex`.
  public func rows(matching regex: NSRegularExpression) -> [Row] {
    rows.filter { row in
      let names = [row.name] + (row.name.contains(", ") ? row.name.components(separatedBy: ", ") : [])
      return names.contains { regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
    }
  }

  /// The increase of each matching row since `baseline`: rows are identified by label and name, so a vector that
  /// appeared during the step (a driver reloaded, a device hot-added) counts from zero.
  public func increases(since baseline: InterruptTable?, matching regex: NSRegularExpression) -> [InterruptIncrease] {
    let before = Dictionary(
      (baseline?.rows ?? []).map { ("\($0.label) \($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
    return rows(matching: regex).map { row in
      let old = before["\(row.label) \(row.name)"]
      var delta: [Int: Int] = [:]
      for (cpu, count) in row.counts { delta[cpu] = max(0, count - (old?.counts[cpu] ?? 0)) }
      return InterruptIncrease(row: row, increase: delta)
    }
  }
}

/// One interrupt row and how much each CPU's count grew since the step began.
public struct InterruptIncrease: Sendable, Equatable {
  public var row: InterruptTable.Row
  public var increase: [Int: Int]
}
