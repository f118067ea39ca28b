import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Goto: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make another step of the lesson current.",
      discussion: """
        The step starts now: "since the step began" checks (kernel log, interrupt counts) count from this moment. \
        Earlier steps' effects are not applied: use `qlearn skip` to apply a step's reference solution, or restart \
        the VM for a clean machine.
        """)

    @Argument(help: "The step id (see `qlearn show <lesson>`).")
    var step: String

    @Option(help: ArgumentHelp("The lesson (default: the only running one).", valueName: "id"))
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson, course: course)
      let target = try session.step(step)
      try await session.move(to: target)
      GradingOutput.printStep(target, in: session.lesson, prefix: "Step")
    }
  }
}
