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

    @Flag(help: "Export everything as JSON: each lesson's steps with their state, and every attempt with its checks.")
    var json = false

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let course = self.course.course()
      let lessons = try lesson.map { [try self.course.lesson($0, in: course)] } ?? course.lessons
      let store = try ProgressStore(directory: self.course.paths.data)
      if json {
        print(try ProgressExport.json(lessons: lessons, store: store))
        return
      }
      var rows: [[String]] = [["LESSON / STEP", "STATE", "ATTEMPTS", "HINTS", "TIME"]]
      for lesson in lessons {
        let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
        guard lessons.count == 1 || progress.steps.contains(where: { $0.state != .notStarted }) else { continue }
        rows.append([lesson.id, ProgressText.summary(progress), "", "", ""])
        for step in progress.steps {
          rows.append([
            "  " + step.step, step.state.rawValue,
            "\(step.attempts)" + (step.notGraded > 0 ? " (+\(step.notGraded) not graded)" : ""), "\(step.hintsRevealed)",
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

/// `qlearn progress --json`: the store's facts and the states derived from them, for other tools.
enum ProgressExport {
  struct Lesson: Encodable {
    var lesson: String
    var title: String
    var complete: Bool
    var completedSteps: Int
    var steps: [StepProgress]
    var attempts: [Attempt]
  }
  struct Attempt: Encodable {
    var id: Int64
    var step: String
    var at: Date
    var passed: Bool
    var checks: [CheckOutcome]
  }

  static func json(lessons: [QLearnKit.Lesson], store: ProgressStore) throws -> String {
    let exported = try lessons.map { lesson in
      let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
      return Lesson(
        lesson: lesson.id, title: lesson.title, complete: progress.isComplete, completedSteps: progress.completedSteps,
        steps: progress.steps,
        attempts: try store.attempts(lesson: lesson.id).map {
          Attempt(id: $0.id, step: $0.step, at: $0.at, passed: $0.passed, checks: $0.outcomes)
        })
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(["lessons": exported]), as: UTF8.self)
  }
}
