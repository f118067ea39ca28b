import Foundation
import QLearnKit

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
