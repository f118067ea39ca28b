import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Reset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Forget your progress in one lesson (its attempts, hints, skips and answers).",
      discussion: "Asks for confirmation on a terminal; give --yes to skip the question (required when not on a terminal).")

    @Argument(help: "The lesson id.")
    var lesson: String

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var course: CourseOptions

    func run() async throws {
      // A lesson id that no longer has a file can still be reset, so that stale progress can be cleared.
      let store = try ProgressStore(directory: course.paths.data)
      let known = course.course().lesson(lesson) != nil
      let active = try store.lessonsWithActivity().contains(lesson)
      guard known || active else {
        _ = try course.lesson(lesson, in: course.course())
        return
      }
      if !yes {
        guard isatty(STDIN_FILENO) == 1 else {
          throw ValidationError("Resetting deletes your progress in '\(lesson)'; pass --yes to confirm.")
        }
        print("Forget all progress in '\(lesson)'? [y/N] ", terminator: "")
        guard let reply = readLine(), reply.lowercased().hasPrefix("y") else {
          print("Nothing changed.")
          return
        }
      }
      try store.reset(lesson: lesson)
      print("Progress in '\(lesson)' forgotten.")
    }
  }
}
