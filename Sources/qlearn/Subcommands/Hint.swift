import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Hint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Reveal the next hint of the current step.",
      discussion: "Hints come one at a time and each is recorded. Once all are revealed, this shows them all again.")

    @Option(help: ArgumentHelp("The lesson (default: the only running one).", valueName: "id"))
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson, course: course)
      guard let step = try await session.currentStep() else {
        throw GradingError.lessonFinished(lesson: session.lesson.id)
      }
      if step.hints.isEmpty {
        print("This step has no hints. `qlearn show \(session.lesson.id)` explains it; `qlearn skip` applies its solution.")
      } else if let hint = try session.revealHint(step) {
        print("Hint \(hint.number)/\(hint.count): \(GradingOutput.safe(hint.text))")
      } else {
        print("Every hint of this step is revealed:")
        for (index, text) in step.hints.enumerated() {
          print("  \(index + 1). \(GradingOutput.safe(text))")
        }
      }
    }
  }
}
