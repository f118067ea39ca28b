import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Answer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record your answer to the current step's question; `qlearn check` grades it.",
      discussion: """
        Examples:
          qlearn answer 5
          qlearn answer 0:2:1:0
        """)

    @Argument(help: "Your answer (several words are joined with spaces).")
    var text: [String]

    @OptionGroup var lesson: LessonOption

    @OptionGroup var course: CourseOptions

    func validate() throws {
      if text.joined().trimmingCharacters(in: .whitespaces).isEmpty {
        throw ValidationError("Give your answer, e.g. `qlearn answer 5`.")
      }
    }

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson.id, course: course)
      try await session.answer(text.joined(separator: " "))
      print("Recorded. `qlearn check` grades it.")
    }
  }
}
