import Foundation
import QLearnKit

/// The course as the server sees it: lessons (read once at start), the check library, and the progress store and
/// sessions it shares with the command line.
final class WebCourse: Sendable {
  let configuration: WebConfiguration
  let course: Course
  let library: CheckLibrary?
  let boots = BootTracker()
  let consoles = ConsoleHubs()

  init(configuration: WebConfiguration) {
    self.configuration = configuration
    self.course = Course(paths: configuration.lessonFolders)
    self.library = Course.checksDirectory(for: configuration.lessonFolders).flatMap { try? CheckLibrary(directory: $0) }
  }

  var paths: Paths { configuration.paths }

  func lesson(_ id: String) throws -> Lesson {
    guard let lesson = course.lesson(id) else { throw WebError.noLesson(id) }
    return lesson
  }

  func store() throws -> ProgressStore { try ProgressStore(directory: paths.data) }

  func session(_ lesson: Lesson) -> SessionDirectory { SessionDirectory.forLesson(lesson.id, paths: paths) }

  /// The running VM's record, or nil (a VM that died is cleaned up as `qlearn status` does).
  func runningRecord(_ lesson: Lesson) -> SessionRecord? {
    let directory = session(lesson)
    guard FileManager.default.fileExists(atPath: directory.url.path) else { return nil }
    return try? SessionResolver.running(directory)
  }

  /// A grading session on the lesson's running VM, as `qlearn check` opens one.
  func grading(_ lesson: Lesson, record: Bool = true) throws -> GradingSession {
    guard let library else { throw WebError.noCheckLibrary }
    let directory = try SessionResolver.directory(lesson.id, paths: paths)
    _ = try SessionResolver.running(directory)
    return GradingSession(
      lesson: lesson, library: library, live: LiveSession(directory: directory, lesson: lesson.id),
      store: record ? try store() : nil)
  }
}
