import Foundation

/// The result of linting files and folders: every diagnostic, and how many lessons were read.
public struct LintReport: Sendable {
  /// Errors: the lessons cannot be used as they are.
  public var diagnostics: [Diagnostic]
  /// Advice that does not fail lint (``LessonLinter/warnings(_:)``): answers given away, thresholds not stated.
  public var warnings: [Diagnostic] = []
  public var lessonCount: Int
  public var qemuChecked: Bool

  /// No errors (warnings do not fail lint).
  public var isClean: Bool { diagnostics.isEmpty }

  /// Lints the lessons in `paths` against the checks in `checksDirectory`; `course` adds lesson ids that prerequisites
  /// may name (the lessons being linted are always included).
  public static func run(paths: [URL], checksDirectory: URL?, course: [URL], cacheDirectory: URL) throws -> LintReport {
    let target = Course(paths: paths)
    let known = Set(Course(paths: course).lessons.map(\.id) + target.lessons.map(\.id)
      + target.failures.compactMap { URL(fileURLWithPath: $0.file).deletingPathExtension().lastPathComponent })
    let library = try checksDirectory.map { try CheckLibrary(directory: $0) } ?? CheckLibrary(checks: [])
    let wanted = Set(target.lessons.flatMap { $0.machine.devices.map(\.kind.name) })
    let qemu = try QEMUCapabilities.load(cacheDirectory: cacheDirectory, devices: wanted)
    let linter = LessonLinter(checks: library, qemu: qemu)
    var diagnostics = library.diagnostics
    diagnostics += target.failures.flatMap(\.error.diagnostics)
    for (lesson, first) in target.duplicates {
      diagnostics.append(
        Diagnostic(
          lesson.locations["id"] ?? SourceLocation(file: lesson.file, line: 1, column: 1), "id",
          "the lesson id '\(lesson.id)' is already used by \(first)",
          suggestion: "Give each lesson its own id."))
    }
    var warnings: [Diagnostic] = []
    for lesson in target.lessons + target.duplicates.map(\.lesson) {
      diagnostics += linter.lint(lesson, known: known)
      warnings += linter.warnings(lesson)
    }
    // Rules that warn from inside lint (a device no cached kernel drives) join the advice; errors stay errors.
    warnings += diagnostics.filter(\.isWarning)
    diagnostics.removeAll(where: \.isWarning)
    return LintReport(
      diagnostics: diagnostics.sorted { $0.location < $1.location }, warnings: warnings.sorted { $0.location < $1.location },
      lessonCount: target.lessons.count + target.duplicates.count + target.failures.count,
      qemuChecked: qemu != nil)
  }
}
