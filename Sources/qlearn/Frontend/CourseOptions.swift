import ArgumentParser
import Foundation
import QLearnKit

/// Where to find lessons and keep progress; shared by every subcommand.
struct CourseOptions: ParsableArguments {
  @Option(
    name: .customLong("lessons"),
    help: ArgumentHelp(
      "A folder of lessons to use besides ./Lessons (repeatable; earlier folders win on equal ids).",
      valueName: "dir"))
  var lessonDirectories: [String] = []

  @Option(
    help: ArgumentHelp(
      "Where progress is kept (default: $QLEARN_DATA_DIR, else $XDG_DATA_HOME/qlearn).", valueName: "dir"))
  var dataDir: String?

  var paths: Paths { Paths.standard(dataOverride: dataDir) }

  var lessonFolders: [URL] {
    lessonDirectories.map { URL(fileURLWithPath: $0) } + Course.defaultDirectories()
  }

  func course() -> Course { Course(paths: lessonFolders) }

  /// The lesson with `id`, or a usage error naming the closest id.
  func lesson(_ id: String, in course: Course) throws -> Lesson {
    if let lesson = course.lesson(id) { return lesson }
    if let failure = course.failures.first(where: { URL(fileURLWithPath: $0.file).deletingPathExtension().lastPathComponent == id }) {
      throw CLIError.lessonInvalid(file: failure.file, error: failure.error)
    }
    throw ValidationError(
      "No lesson '\(TerminalSafe.clip(id))'" + Spelling.didYouMean(id, in: course.lessons.map(\.id))
        + ". `qlearn list` shows the lessons.")
  }
}
