import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Grade the current step of a lesson against its running VM.",
      discussion: """
        Runs the step's checks against the live guest and QEMU and prints each one, with what was expected and what \
        was found. On failure it also reveals the next hint; when every check passes you move on to the next step. \
        Every attempt is recorded (see `qlearn progress`). Exit status: 0 passed, 1 not passed or not gradable.

        On the guest console, Ctrl-] c does the same without leaving the console.
        """)

    @Option(help: ArgumentHelp("The lesson whose VM to grade (default: the only running one).", valueName: "id"))
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let session = try GradingContext.open(lesson: lesson, course: course)
      let passed = try await GradingOutput.check(session)
      if !passed { throw ExitCode(1) }
    }
  }
}

/// Opens the grading session of a running lesson VM: its lesson, the check library, the progress store.
enum GradingContext {
  static func open(lesson: String?, course: CourseOptions, recordProgress: Bool = true) throws -> GradingSession {
    let directory = try SessionResolver.directory(lesson, paths: course.paths)
    return try open(directory: directory, course: course, recordProgress: recordProgress)
  }

  static func open(directory: SessionDirectory, course: CourseOptions, recordProgress: Bool = true) throws
    -> GradingSession
  {
    let record = try SessionResolver.running(directory)
    let lesson = try course.lesson(record.lesson, in: course.course())
    let store = recordProgress ? try ProgressStore(directory: course.paths.data) : nil
    return GradingSession(
      lesson: lesson, library: try library(course), live: LiveSession(directory: directory, lesson: lesson.id),
      store: store)
  }

  /// The same with the lesson `start` (or `attach`) already loaded, so nothing is re-read; nil loads it as above.
  static func open(directory: SessionDirectory, lesson: LoadedLesson?, course: CourseOptions, recordProgress: Bool = true)
    throws -> GradingSession
  {
    guard let lesson else { return try open(directory: directory, course: course, recordProgress: recordProgress) }
    _ = try SessionResolver.running(directory)
    let store = recordProgress ? try ProgressStore(directory: course.paths.data) : nil
    return GradingSession(lesson: lesson, live: LiveSession(directory: directory, lesson: lesson.lesson.id), store: store)
  }

  /// `lesson` with its checks validated once against the course's library, or nil without one (grading then says why).
  static func load(_ lesson: Lesson, course: CourseOptions) -> LoadedLesson? {
    (try? library(course)).map { LoadedLesson(lesson, library: $0) }
  }

  /// The lesson of the VM running in `directory`, loaded as above (for `attach`), or nil.
  static func load(directory: SessionDirectory, course: CourseOptions) -> LoadedLesson? {
    guard let record = try? SessionResolver.running(directory),
      let lesson = try? course.lesson(record.lesson, in: course.course())
    else { return nil }
    return load(lesson, course: course)
  }

  static func library(_ course: CourseOptions) throws -> CheckLibrary {
    guard let folder = Course.checksDirectory(for: course.lessonFolders) else { throw GradingError.noCheckLibrary }
    return try CheckLibrary(directory: folder)
  }
}

/// How grading looks on the learner's terminal.
enum GradingOutput {
  /// Grades the current step and prints the result; true when it passed.
  static func check(_ session: GradingSession) async throws -> Bool {
    let result: GradingSession.CheckResult
    do {
      result = try await session.check()
    } catch GradingError.lessonFinished {
      print(congratulation(session.lesson))
      return true
    }
    let lesson = session.lesson
    print("Step \(number(result.step, in: lesson)): \(safe(result.step.title))")
    for check in result.grade.checks {
      print("  \(check.passed ? "✓ PASS" : "✗ FAIL")  \(safe(check.label))")
      if !check.passed {
        print("      \(safe(check.failureText))")
      }
    }
    if result.grade.passed {
      print("Passed.")
      if let next = result.next {
        printStep(next, in: lesson, prefix: "Next, step")
      } else {
        print(congratulation(lesson))
        PoolRefill.nextLesson(after: lesson)  // warm pool: the next lesson boots while this one is read
      }
      return true
    }
    print("Not yet.")
    if let hint = result.hint {
      print("Hint \(hint.number)/\(hint.count): \(safe(hint.text))")
    } else if !result.step.hints.isEmpty {
      print("All hints are revealed (`qlearn hint` shows them again); `qlearn skip` applies the reference solution.")
    }
    return false
  }

  /// What a learner reads on finishing a lesson (and on checking a finished one again): a success, exit status 0.
  static func congratulation(_ lesson: Lesson) -> String {
    "Congratulations: you have finished every step of '\(lesson.id)' (\(safe(lesson.title))). "
      + "`qlearn progress \(lesson.id)` shows how it went; `qlearn list` shows what comes next."
  }

  static func printStep(_ step: Step, in lesson: Lesson, prefix: String) {
    print("\(prefix) \(number(step, in: lesson)): \(safe(step.title))")
    print("  Goal: \(safe(step.goal))")
  }

  static func number(_ step: Step, in lesson: Lesson) -> String {
    let index = (lesson.steps.firstIndex { $0.id == step.id } ?? 0) + 1
    return "\(index)/\(lesson.steps.count) \(step.id)"
  }

  static func safe(_ text: String) -> String { TerminalSafe.line(text) }
}
