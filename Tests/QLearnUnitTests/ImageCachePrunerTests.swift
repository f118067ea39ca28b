import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct ImageCachePrunerTests {
  let now = Date(timeIntervalSince1970: 1_800_000_000)
  func entry(_ name: String, mb: Int64, daysAgo: Double) -> ImageCachePruner.Entry {
    .init(name: name, size: mb << 20, lastUse: now.addingTimeInterval(-daysAgo * 24 * 3600))
  }

  @Test func leastRecentlyUsedGoFirstOnceTheBudgetIsFull() {
    let pruner = ImageCachePruner(directory: URL(fileURLWithPath: "/unused"), budget: 100 << 20)
    let entries = [entry("old.cpio", mb: 40, daysAgo: 3), entry("new.cpio", mb: 40, daysAgo: 0), entry("mid.cpio", mb: 40, daysAgo: 1)]
    #expect(pruner.expired(entries, now: now) == ["old.cpio"])
  }

  @Test func imagesUnusedForAMonthGoEvenUnderBudget() {
    let pruner = ImageCachePruner(directory: URL(fileURLWithPath: "/unused"))
    let entries = [entry("a.cpio", mb: 10, daysAgo: 0), entry("b.cpio", mb: 10, daysAgo: 31)]
    #expect(pruner.expired(entries, now: now) == ["b.cpio"])
  }

  @Test func theNewestImageStaysWhateverItsSizeOrAge() {
    let pruner = ImageCachePruner(directory: URL(fileURLWithPath: "/unused"), budget: 1)
    #expect(pruner.expired([entry("only.cpio", mb: 50, daysAgo: 400)], now: now).isEmpty)
  }

  /// Real files: old images and a dead build's leftovers go; a used image, its lock and a fresh temporary stay.
  @Test func pruneRemovesFilesOnDisk() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-prune-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func make(_ name: String, daysAgo: Double) throws {
      let url = dir.appendingPathComponent(name)
      try Data(count: 1024).write(to: url)
      try FileManager.default.setAttributes(
        [.modificationDate: now.addingTimeInterval(-daysAgo * 24 * 3600)], ofItemAtPath: url.path)
    }
    try make("kept.cpio", daysAgo: 0)
    try make(".kept.lock", daysAgo: 90)
    try make("stale.cpio.gz", daysAgo: 45)
    try make(".gone.lock", daysAgo: 2)
    try make(".abc.123.cpio", daysAgo: 2)
    try make(".building.456.cpio", daysAgo: 0)
    let result = ImageCachePruner(directory: dir).prune(now: now)
    #expect(result.images == 1 && result.bytes == 1024)
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
    #expect(left == ["kept.cpio", ".kept.lock", ".building.456.cpio"])
  }
}
