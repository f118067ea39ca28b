import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Goto: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make another step of the lesson current.",
      discussion: """
        The step starts now: "since the step began" checks (kernel log, interrupt counts) count from this moment. \
        Going to a later step first applies the reference solutions of the steps in between whose checks do not pass \
        (so the VM is in that step's starting state), one line per step; `--no-apply` leaves the VM as it is. Going \
        back resets the VM to that step's start as `qlearn reset --step` does (its checkpoint, else a fresh boot and \
        the solutions before it); `--no-apply` only makes it current.
        """)

    @Argument(help: "The step id (see `qlearn show <lesson>`).")
    var step: String

    @OptionGroup var lesson: LessonOption

    @Flag(help: "Do not apply the reference solutions of the steps in between.")
    var noApply = false

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson.id, course: course)
      let target = try session.step(step)
      let replay = StepReplay(session: session)
      if !noApply, try await Self.isBack(target, in: session) {
        return try await StepResetRunner.reset(session, to: target, course: course)
      }
      let between = noApply ? [] : replay.stepsBetween(try await session.currentStep(), and: target)
      if !between.isEmpty {
        print("Applying the reference solutions of \(between.map(\.id).joined(separator: ", ")) first:")
        let count = session.lesson.steps.count
        try await replay.apply(between, then: target) { step, number, seconds, done in
          print("  step \(number)/\(count) \(step.id): " + (done ? "already done" : "applied") + " (" + String(format: "%.1f", seconds) + " s)")
        }
      } else {
        try await session.move(to: target)
      }
      GradingOutput.printStep(target, in: session.lesson, prefix: "Step")
    }

    static func isBack(_ target: Step, in session: GradingSession) async throws -> Bool {
      let steps = session.lesson.steps.map(\.id)
      guard let current = try await session.currentStep()?.id else { return true }
      return (steps.firstIndex(of: target.id) ?? 0) < (steps.firstIndex(of: current) ?? 0)
    }
  }
}
