import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Skip: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Skip the current step: apply its reference solution in the VM and move on.",
      discussion: "The skip is recorded in your progress; later steps find the machine as if you had done the step.")

    @OptionGroup var lesson: LessonOption

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson.id, course: course)
      guard let current = try await session.currentStep() else {
        throw GradingError.lessonFinished(lesson: session.lesson.id)
      }
      print("Applying the reference solution of '\(current.id)':")
      for action in current.solution {
        switch action {
        case .guest(let command): print("  vm# \(GradingOutput.safe(command))")
        case .monitor(let command): print("  (qemu) \(GradingOutput.safe(command))")
        case .answer(let text): print("  qlearn answer \(GradingOutput.safe(text))")
        case .wait(let seconds): print("  (wait \(seconds) s)")
        }
      }
      if let next = try await session.skip() {
        GradingOutput.printStep(next, in: session.lesson, prefix: "Skipped. Next, step")
      } else {
        print("Skipped. That was the last step of '\(session.lesson.id)'.")
      }
    }
  }
}
