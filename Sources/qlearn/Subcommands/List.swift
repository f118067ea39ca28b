import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the lessons in course order, with your progress.",
      discussion: """
        Lessons come from ./Lessons, the Lessons folder of qlearn's own checkout, $QLEARN_LESSONS and every --lessons \
        folder. Prerequisites come before the lessons that need them. Start one with `qlearn start <id>`.
        """)

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let course = self.course.course()
      let store = try ProgressStore(directory: self.course.paths.data)
      var rows: [[String]] = [["#", "ID", "TITLE", "TOPIC", "MIN", "PROGRESS"]]
      for (index, lesson) in course.lessons.enumerated() {
        let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
        rows.append([
          "\(index + 1)", lesson.id, lesson.title, lesson.topic, "\(lesson.minutes)",
          ProgressText.summary(progress),
        ])
      }
      print(Table.render(rows, width: Table.width, flexible: 2))
      for failure in course.failures {
        printError("note: \(failure.file) is not a valid lesson; `qlearn lint \(failure.file)` says why.")
      }
      if course.lessons.isEmpty {
        printError("No lessons found. Run qlearn from its checkout, or pass --lessons <dir>.")
      }
    }
  }
}

/// Words for progress, shared by `list` and `progress`.
enum ProgressText {
  static func summary(_ progress: LessonProgress) -> String {
    if progress.isComplete { return "done" }
    if progress.steps.allSatisfy({ $0.state == .notStarted }) { return "-" }
    return "\(progress.completedSteps)/\(progress.steps.count) steps"
  }

  static func duration(_ seconds: TimeInterval) -> String {
    let minutes = Int(seconds / 60)
    return minutes < 1 ? "<1 min" : minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
  }
}