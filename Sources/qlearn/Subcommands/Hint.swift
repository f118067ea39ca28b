import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Hint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Reveal the next hint of the current step.",
      discussion: """
        Hints come one at a time and each is recorded. Once all are revealed, this shows them all again. It needs no \
        running VM: without one, the current step is the one the lesson's last VM was on, or the first step you have \
        not passed.
        """)

    @OptionGroup var lesson: LessonOption

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let (session, step) = try await currentStep()
      guard let step else { throw GradingError.lessonFinished(lesson: session.lesson.id) }
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

    /// The running VM's step; without a running VM, the step from progress (see the discussion).
    func currentStep() async throws -> (GradingSession, Step?) {
      if let session = try? GradingContext.open(lesson: lesson.id, course: course),
        let step = try? await session.currentStep()
      {
        return (session, step)
      }
      let course = self.course.course()
      let store = try ProgressStore(directory: self.course.paths.data)
      let id = try lesson.id ?? Self.lessonInProgress(course: course, store: store, paths: self.course.paths)
      let lesson = try self.course.lesson(id, in: course)
      let directory = SessionDirectory.forLesson(lesson.id, paths: self.course.paths)
      let session = GradingSession(
        lesson: lesson, library: try GradingContext.library(self.course),
        live: LiveSession(directory: directory, lesson: lesson.id), store: store)
      if let recorded = (try? directory.readRecord())?.step, let step = try? session.step(recorded) {
        return (session, step)
      }
      let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
      let open = progress.steps.first { $0.state != .passed && $0.state != .skipped }
      return (session, open.flatMap { state in lesson.steps.first { $0.id == state.step } })
    }

    /// The lesson of the only session folder, else the only lesson begun and not finished.
    static func lessonInProgress(course: Course, store: ProgressStore, paths: Paths) throws -> String {
      let sessions = SessionDirectory.all(paths)
      if sessions.count == 1 { return sessions[0].lesson }
      let begun = try store.lessonsWithActivity().filter { id in
        guard let lesson = course.lessons.first(where: { $0.id == id }) else { return false }
        return !(try store.progress(lesson: id, steps: lesson.steps.map(\.id)).isComplete)
      }
      guard begun.count == 1 else {
        throw ValidationError(
          begun.isEmpty
            ? "No lesson is running or begun. `qlearn hint --lesson <id>` names one; `qlearn list` shows them."
            : "Several lessons are begun (\(begun.joined(separator: ", "))): name one with `--lesson <id>`.")
      }
      return begun[0]
    }
  }
}
