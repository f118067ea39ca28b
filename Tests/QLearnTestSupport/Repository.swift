import Foundation

/// The repository's folders, found from this file so tests run from any directory.
public enum Repository {
  public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  public static let checks = root.appendingPathComponent("Checks")
  public static let lessons = root.appendingPathComponent("Lessons")
  /// The test fixtures, copied beside the test bundle as this target's resources (see Package.swift).
  public static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
  /// The same fixtures in the source tree, relative to `root`, for `qlearn` runs whose working directory is the root.
  public static let fixturesSource = "Tests/QLearnTestSupport/Fixtures"

  public static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// The text of a fixture, by its path under Fixtures (`grading/…`, `markdown/…`).
public func fixtureText(_ path: String) throws -> String {
  try String(contentsOf: Repository.fixtures.appendingPathComponent(path), encoding: .utf8)
}

/// A grading fixture's text (Fixtures/grading/`name`).
public func fixture(_ name: String) throws -> String { try fixtureText("grading/\(name)") }
