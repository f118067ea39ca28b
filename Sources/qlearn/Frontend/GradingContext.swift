import Foundation
import QLearnKit

/// Opens the grading session of a running lesson VM: its lesson, the check library, the progress store.
enum GradingContext {
  static func open(lesson: String?, course: CourseOptions, recordProgress: Bool = true) throws -> GradingSession {
    let directory = try SessionResolver.directory(lesson, paths: course.paths)
    return try open(directory: directory, course: course, recordProgress: recordProgress)
  }

  static func open(directory: SessionDirectory, course: CourseOptions, recordProgress: Bool = true) throws
    -> GradingSession
  {
    let record = try SessionResolver.running(directory)
    let lesson = try course.lesson(record.lesson, in: course.course())
    let store = recordProgress ? try ProgressStore(directory: course.paths.data) : nil
    return GradingSession(
      lesson: lesson, library: try library(course), live: LiveSession(directory: directory, lesson: lesson.id),
      store: store)
  }

  static func library(_ course: CourseOptions) throws -> CheckLibrary {
    guard let folder = Course.checksDirectory(for: course.lessonFolders) else { throw GradingError.noCheckLibrary }
    return try CheckLibrary(directory: folder)
  }
}
