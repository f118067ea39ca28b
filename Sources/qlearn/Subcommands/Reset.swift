import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Reset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Forget your progress in a lesson, or (--step) bring its VM back to the start of a step.",
      discussion: """
        qlearn reset LESSON forgets your progress in LESSON (its attempts, hints, skips and answers); it asks for \
        confirmation on a terminal, and --yes skips the question (required when not on a terminal).

        qlearn reset --step [STEP] [--lesson LESSON] leaves your progress alone and brings the running VM back to the \
        state it was in when STEP (default: the current step) began: from the checkpoint saved then when there is \
        one, else by a fresh boot and the reference solutions of the steps before it. It prints which and how long it \
        took.
        """)

    @Argument(help: ArgumentHelp("The lesson id; with --step, the step id (default: the current step).", valueName: "lesson-or-step"))
    var target: String?

    @Flag(help: "Reset the VM to the start of a step instead of forgetting progress.")
    var step = false

    @Option(help: ArgumentHelp("With --step: the lesson (default: the only running one).", valueName: "id"))
    var lesson: String?

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var course: CourseOptions

    func run() async throws {
      if step { return try await StepResetRunner.run(step: target, lesson: lesson, course: course) }
      guard let lesson = target, self.lesson == nil else {
        throw ValidationError(
          "Name the lesson whose progress to forget (`qlearn reset LESSON`), or give --step to reset the VM to a step's start.")
      }
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
