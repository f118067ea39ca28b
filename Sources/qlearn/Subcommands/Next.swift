import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Next: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Move on to the next step, once the current one has passed (or was skipped).",
      discussion: "`qlearn check` moves on by itself when a step passes; this is for after `qlearn goto` back to a step.")

    @OptionGroup var lesson: LessonOption

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson.id, course: course)
      if let next = try await session.next() {
        GradingOutput.printStep(next, in: session.lesson, prefix: "Step")
      } else {
        print("That was the last step of '\(session.lesson.id)'.")
      }
    }
  }
}
