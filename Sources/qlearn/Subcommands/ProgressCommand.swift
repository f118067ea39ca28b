import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Progress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "progress",
      abstract: "Show your progress: each lesson and step, its state, attempts, hints and time spent.",
      discussion: """
        Progress is derived from every check attempt qlearn recorded (in $XDG_DATA_HOME/qlearn/progress.db, or \
        --data-dir). With a lesson id, shows only that lesson.
        """)

    @Argument(help: "Only this lesson.")
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let course = self.course.course()
      let lessons = try lesson.map { [try self.course.lesson($0, in: course)] } ?? course.lessons
      let store = try ProgressStore(directory: self.course.paths.data)
      var rows: [[String]] = [["LESSON / STEP", "STATE", "ATTEMPTS", "HINTS", "TIME"]]
      for lesson in lessons {
        let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
        guard lessons.count == 1 || progress.steps.contains(where: { $0.state != .notStarted }) else { continue }
        rows.append([lesson.id, ProgressText.summary(progress), "", "", ""])
        for step in progress.steps {
          rows.append([
            "  " + step.step, step.state.rawValue, "\(step.attempts)", "\(step.hintsRevealed)",
            step.state == .notStarted ? "" : ProgressText.duration(step.timeSpent),
          ])
        }
      }
      if rows.count == 1 {
        print("No progress yet. `qlearn list` shows the lessons; `qlearn start <id>` begins one.")
      } else {
        print(Table.render(rows))
      }
    }
  }
}
