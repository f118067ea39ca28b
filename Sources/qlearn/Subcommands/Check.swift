import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Grade the current step of a lesson against its running VM.",
      discussion: """
        Runs the step's checks against the live guest and QEMU and prints each one, with what was expected and what \
        was found. On failure it also reveals the next hint; when every check passes you move on to the next step. \
        Every attempt is recorded (see `qlearn progress`). Exit status: 0 passed, 1 not passed or not gradable.

        On the guest console, Ctrl-] c does the same without leaving the console.
        """)

    @OptionGroup var lesson: LessonOption

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson.id, course: course)
      let passed = try await GradingOutput.check(session)
      if !passed { throw ExitCode(1) }
    }
  }
}
