import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// QEMU's facts cache, rebuilt by asking the installed QEMU again (seconds of QEMU runs, so not a unit test).
@Suite struct QEMUFactsCacheTests {
  @Test func aCorruptOrStaleFactsCacheIsRebuilt() throws {
    let directory = try Repository.temporaryDirectory()
    let file = directory.appendingPathComponent(QEMUFacts.fileName)
    try Data("{not json".utf8).write(to: file)
    let facts = try #require(try QEMUFacts.load(cacheDirectory: directory, memoized: false))
    let reread = try JSONDecoder().decode(QEMUFacts.self, from: Data(contentsOf: file))
    #expect(reread.binary == facts.binary)
    #expect(facts.binary.split(separator: " ").count == 4, "path, size, mtime and inode")
    // A cache read from another binary (or an older format) is not trusted.
    var stale = reread
    stale.binary = "/usr/bin/qemu-system-x86_64 1 2 3"
    stale.kinds = [:]
    try JSONEncoder().encode(stale).write(to: file)
    #expect(try QEMUFacts.load(cacheDirectory: directory, memoized: false)?.kinds.isEmpty == false)
  }
}
