import Foundation

/// Runs a step's reference solution in the live session, for `qlearn skip` and `qlearn verify`.
public enum SolutionRunner {
  /// How long one guest action may take (a `dd` under TCG, a driver reload).
  public static let guestTimeout: Duration = .seconds(60)

  /// Runs each action in order and stops at the first that fails, throwing ``GradingError/solutionFailed``.
  public static func run(_ step: Step, lesson: Lesson, session: LiveSession) async throws {
    for action in step.solution {
      switch action {
      case .guest(let command):
        let result: GuestExecResult
        do {
          result = try await session.shell(command, timeout: guestTimeout)
        } catch GuestAgentError.execTimedOut(_, _, let timeout) {
          throw GradingError.solutionFailed(
            lesson: lesson.id, step: step.id, action: command, detail: "it did not finish within \(timeout)")
        }
        guard result.exitCode == 0 else {
          let output = (result.stderrText + result.stdoutText).trimmingCharacters(in: .whitespacesAndNewlines)
          throw GradingError.solutionFailed(
            lesson: lesson.id, step: step.id, action: command,
            detail: "exit status \(result.exitCode)" + (output.isEmpty ? "" : ": " + output))
        }
      case .monitor(let command):
        let client = try await session.monitor()
        let output: String
        do {
          output = try await client.humanMonitorCommand(command, timeout: .seconds(30))
        } catch {
          let explained = await session.explain(error)
          if let error = explained as? QMPError, case .commandFailed = error {
            throw GradingError.solutionFailed(
              lesson: lesson.id, step: step.id, action: command, detail: error.localizedDescription)
          }
          throw explained
        }
        if output.contains("Error") || output.contains("error:") {
          throw GradingError.solutionFailed(
            lesson: lesson.id, step: step.id, action: command,
            detail: output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
      case .answer(let text):
        try AnswerFile.write(text, in: session.directory)
      case .wait(let seconds):
        try await Task.sleep(for: .seconds(seconds))
      }
    }
  }
}

/// The learner's latest answer, kept in the session folder where the `answer` inspection reads it.
public enum AnswerFile {
  /// Answers are short: a number, an address, a word.
  public static let limit = 4096

  public static func write(_ text: String, in directory: SessionDirectory) throws {
    try Data(text.utf8.prefix(limit)).write(to: directory.answerFile, options: .atomic)
  }

  public static func remove(in directory: SessionDirectory) {
    try? FileManager.default.removeItem(at: directory.answerFile)
  }
}
