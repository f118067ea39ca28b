import Foundation

/// The lessons qlearn can find: `./Lessons` and any `--lessons DIR`, in course order.
public struct Course: Sendable {
  public var lessons: [Lesson]
  /// Files that did not decode, with their diagnostics.
  public var failures: [(file: String, error: LessonError)]
  /// Lessons whose id an earlier file already took (the earlier one is kept).
  public var duplicates: [(lesson: Lesson, firstFile: String)]

  /// `Lessons/` in the current directory, then beside the executable's package (so `qlearn` works from anywhere in a
  /// checkout), then `QLEARN_LESSONS`.
  public static func defaultDirectories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
    var result: [URL] = []
    if let own = environment["QLEARN_LESSONS"], !own.isEmpty { result.append(URL(fileURLWithPath: own)) }
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Lessons")
    result.append(cwd)
    if let packaged = Bundle.main.executableURL?.resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("../../../Lessons").standardizedFileURL
    {
      result.append(packaged)
    }
    var seen = Set<String>()
    return result.filter { FileManager.default.fileExists(atPath: $0.path) && seen.insert($0.standardizedFileURL.path).inserted }
  }

  /// The `Checks/` folder that goes with a lessons folder (its sibling), else `./Checks`.
  public static func checksDirectory(for lessons: [URL]) -> URL? {
    let candidates = lessons.map { $0.deletingLastPathComponent().appendingPathComponent("Checks") }
      + [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Checks")]
    return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
  }

  /// Every `*.md` lesson in `paths` (files, or folders searched one level deep), skipping `README.md`.
  public static func lessonFiles(in paths: [URL]) -> [URL] {
    var files: [URL] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
        files += names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { path.appendingPathComponent($0) }
      } else {
        files.append(path)
      }
    }
    return files
  }

  public init(paths: [URL]) {
    lessons = []
    failures = []
    duplicates = []
    var seen: [String: String] = [:]
    for file in Self.lessonFiles(in: paths) {
      switch LessonLoader.load(file) {
      case .success(let lesson):
        if let first = seen[lesson.id] {
          duplicates.append((lesson, first))
          continue
        }
        seen[lesson.id] = lesson.file
        lessons.append(lesson)
      case .failure(let error):
        failures.append((SourceLocation.displayPath(file), error))
      }
    }
    lessons = Self.courseOrder(lessons, outline: Self.outline(in: paths))
  }

  /// The teaching order written in each lessons folder's `ORDER` file (one id per line, `#` comments), folders in turn.
  public static func outline(in paths: [URL]) -> [String] {
    paths.flatMap { path -> [String] in
      guard let text = try? String(contentsOf: path.appendingPathComponent("ORDER"), encoding: .utf8) else { return [] }
      return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
  }

  public func lesson(_ id: String) -> Lesson? { lessons.first { $0.id == id } }

  /// Prerequisites first; otherwise the outline's order, then file order for lessons it does not list.
  static func courseOrder(_ lessons: [Lesson], outline: [String] = []) -> [Lesson] {
    let rank = Dictionary(outline.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    let lessons = lessons.enumerated()
      .sorted { (rank[$0.element.id] ?? Int.max, $0.offset) < (rank[$1.element.id] ?? Int.max, $1.offset) }
      .map(\.element)
    var ordered: [Lesson] = []
    var placed = Set<String>()
    var visiting = Set<String>()
    let byID = Dictionary(lessons.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    func place(_ lesson: Lesson) {
      guard !placed.contains(lesson.id), visiting.insert(lesson.id).inserted else { return }
      for prerequisite in lesson.prerequisites { if let other = byID[prerequisite] { place(other) } }
      placed.insert(lesson.id)
      ordered.append(lesson)
    }
    lessons.forEach(place)
    return ordered
  }
}
