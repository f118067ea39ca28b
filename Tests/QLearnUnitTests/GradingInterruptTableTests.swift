import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// /proc/interrupts as the seed shows it (nvme0q0..4 on 4 CPUs), and with a CPU offline.
@Suite struct GradingInterruptTableTests {
  @Test func parsesTheSeedsTable() throws {
    let table = InterruptTable(parsing: try fixture("interrupts-seed.txt"))
    #expect(table.cpus == [0, 1, 2, 3])
    let nvme = table.rows(matching: try NSRegularExpression(pattern: "^nvme0q[0-9]+$"))
    #expect(nvme.map(\.name) == ["nvme0q0", "nvme0q1", "nvme0q2", "nvme0q3", "nvme0q4"])
    #expect(nvme.map(\.label) == ["24", "25", "26", "27", "28"])
    let q3 = try #require(nvme.first { $0.name == "nvme0q3" })
    #expect(q3.counts == [0: 0, 1: 0, 2: 41, 3: 0])
    #expect(table.rows.first { $0.label == "0" }?.name == "timer")
  }

  @Test func symbolicRowsAreNamedByTheirLabelAndShortRowsParse() throws {
    let table = InterruptTable(parsing: try fixture("interrupts-seed.txt"))
    let loc = try #require(table.rows(matching: try NSRegularExpression(pattern: "^LOC$")).first)
    #expect(loc.total == 221 + 205 + 252 + 196)
    let err = try #require(table.rows.first { $0.label == "ERR" })
    #expect(err.counts == [0: 0])
  }

  @Test func aSharedLineMatchesEachOfItsActions() throws {
    let table = InterruptTable(parsing: try fixture("interrupts-seed.txt"))
    #expect(table.rows(matching: try NSRegularExpression(pattern: "^ata_piix$")).map(\.label) == ["9"])
    #expect(table.rows(matching: try NSRegularExpression(pattern: "^acpi$")).map(\.label) == ["9"])
  }

  @Test func columnsFollowTheHeaderWhenACPUIsOffline() throws {
    let before = InterruptTable(parsing: try fixture("interrupts-seed.txt"))
    let after = InterruptTable(parsing: try fixture("interrupts-cpu2-offline.txt"))
    #expect(after.cpus == [0, 1, 3])
    let q3 = try #require(after.rows.first { $0.name == "nvme0q3" })
    #expect(q3.counts[3] == 300, "the third column is CPU3")
    #expect(q3.counts[2] == nil)
    let increases = after.increases(since: before, matching: try NSRegularExpression(pattern: "^nvme0q[35]$"))
    #expect(increases.map(\.row.name) == ["nvme0q3", "nvme0q5"])
    #expect(increases[0].increase == [0: 0, 1: 0, 3: 300])
    #expect(increases[1].increase[1] == 5, "a vector that appeared during the step counts from zero")
  }

  @Test func withoutABaselineCountsAreSinceBoot() throws {
    let table = InterruptTable(parsing: try fixture("interrupts-seed.txt"))
    let increases = table.increases(since: nil, matching: try NSRegularExpression(pattern: "^nvme0q3$"))
    #expect(increases.first?.increase[2] == 41)
  }

  @Test func garbageGivesAnEmptyTableNotACrash() {
    #expect(InterruptTable(parsing: "").rows.isEmpty)
    #expect(InterruptTable(parsing: "CPU0\nnonsense line\n: : :\n").rows.isEmpty)
  }
}
