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

  /// The same with the lesson `start` (or `attach`) already loaded, so nothing is re-read; nil loads it as above.
  static func open(directory: SessionDirectory, lesson: LoadedLesson?, course: CourseOptions, recordProgress: Bool = true)
    throws -> GradingSession
  {
    guard let lesson else { return try open(directory: directory, course: course, recordProgress: recordProgress) }
    _ = try SessionResolver.running(directory)
    let store = recordProgress ? try ProgressStore(directory: course.paths.data) : nil
    return GradingSession(lesson: lesson, live: LiveSession(directory: directory, lesson: lesson.lesson.id), store: store)
  }

  /// `lesson` with its checks validated once against the course's library, or nil without one (grading then says why).
  static func load(_ lesson: Lesson, course: CourseOptions) -> LoadedLesson? {
    (try? library(course)).map { LoadedLesson(lesson, library: $0) }
  }

  /// The lesson of the VM running in `directory`, loaded as above (for `attach`), or nil.
  static func load(directory: SessionDirectory, course: CourseOptions) -> LoadedLesson? {
    guard let record = try? SessionResolver.running(directory),
      let lesson = try? course.lesson(record.lesson, in: course.course())
    else { return nil }
    return load(lesson, course: course)
  }

  static func library(_ course: CourseOptions) throws -> CheckLibrary {
    guard let folder = Course.checksDirectory(for: course.lessonFolders) else { throw GradingError.noCheckLibrary }
    return try CheckLibrary(directory: folder)
  }
}
