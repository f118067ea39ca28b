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

/// Left-aligned columns separated by two spaces; every cell is made terminal-safe first.
enum Table {
  /// The terminal's width, or 80 when it is not a terminal (a pipe, a file, a test).
  static var width: Int {
    var size = winsize()
    // Raw: a probe whose failure is the answer (stdout is not a terminal), not an error to report.
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
    return 80
  }

  /// `flexible`: a column clipped (with …) so that every line fits in `width` columns.
  static func render(_ rows: [[String]], width: Int? = nil, flexible: Int? = nil) -> String {
    var cells = rows.map { $0.map { TerminalSafe.clip($0, limit: 48) } }
    var widths = (0..<(cells.first?.count ?? 0)).map { column in
      cells.map { $0[column].count }.max() ?? 0
    }
    if let width, let flexible, flexible < widths.count {
      let others = widths.enumerated().filter { $0.offset != flexible }.map(\.element).reduce(0, +)
      let room = max(width - others - 2 * (widths.count - 1), 8)
      if widths[flexible] > room {
        cells = cells.map { row in
          var row = row
          if row[flexible].count > room { row[flexible] = String(row[flexible].prefix(room - 1)) + "…" }
          return row
        }
        widths[flexible] = room
      }
    }
    return cells.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }
}
