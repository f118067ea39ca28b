import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Each broken fixture states on its second line what lint must say about it: `# expect: LINE:COL message`.
@Suite struct LintFixtureTests {
  static let brokenDirectory = Repository.fixtures.appendingPathComponent("lessons/broken")
  static let broken: [String] = Course.lessonFiles(in: [brokenDirectory]).map(\.lastPathComponent)

  struct Expectation {
    var line: Int
    var column: Int
    var message: String
  }

  static func expectation(in file: URL) throws -> Expectation {
    let text = try String(contentsOf: file, encoding: .utf8)
    let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("# expect: ") })
    let rest = line.dropFirst("# expect: ".count)
    let parts = rest.split(separator: " ", maxSplits: 1)
    let position = parts[0].split(separator: ":").compactMap { Int($0) }
    try #require(position.count == 2, "fixture \(file.lastPathComponent) needs '# expect: LINE:COL message'")
    return Expectation(line: position[0], column: position[1], message: String(parts[1]))
  }

  @Test func thereAreEnoughBrokenFixtures() {
    #expect(Self.broken.count >= 15)
  }

  @Test(arguments: broken)
  func lintRejectsWithPreciseLocation(_ name: String) throws {
    let file = Self.brokenDirectory.appendingPathComponent(name)
    let expected = try Self.expectation(in: file)
    let report = try LintReport.run(
      paths: [file], checksDirectory: Repository.checks, course: [],
      cacheDirectory: try Repository.temporaryDirectory())
    #expect(!report.isClean)
    let match = report.diagnostics.first { $0.description.contains(expected.message) }
    let found = report.diagnostics.map(\.description).joined(separator: "\n")
    let diagnostic = try #require(match, "lint did not say '\(expected.message)'; it said:\n\(found)")
    #expect(diagnostic.location.line == expected.line, "\(found)")
    #expect(diagnostic.location.column == expected.column, "\(found)")
    #expect(diagnostic.location.file.hasSuffix(name))
  }

  @Test func theGoodFixtureAndTheCourseAreClean() throws {
    let cache = try Repository.temporaryDirectory()
    let good = try LintReport.run(
      paths: [Repository.fixtures.appendingPathComponent("lessons/good")], checksDirectory: Repository.checks,
      course: [], cacheDirectory: cache)
    #expect(good.diagnostics.map(\.description) == [])
    #expect(good.lessonCount == 1)
    let course = try LintReport.run(
      paths: [Repository.lessons], checksDirectory: Repository.checks, course: [], cacheDirectory: cache)
    #expect(course.diagnostics.map(\.description) == [])
    #expect(course.lessonCount >= 2)
  }
}
