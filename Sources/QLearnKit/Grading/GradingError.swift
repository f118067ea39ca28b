import Foundation

/// Why a step could not be graded (as opposed to graded and failed). None of these is the learner's fault, so none is
/// recorded as an attempt.
public enum GradingError: Error, LocalizedError, Equatable {
  /// The guest agent stopped answering while QEMU is still alive: the guest is busy, hung, or suspended.
  case agentUnresponsive(lesson: String, detail: String)
  /// QMP did not answer (another client may hold the monitor socket).
  case monitorUnresponsive(lesson: String, detail: String)
  /// The lesson has no step with this id.
  case unknownStep(lesson: String, step: String, known: [String])
  /// Every step is done.
  case lessonFinished(lesson: String)
  /// The check named in the step is not in the library, or its arguments are wrong (lint would say so).
  case invalidCheck(lesson: String, step: String, detail: String)
  /// `qlearn next` on a step that has not passed.
  case stepNotPassed(lesson: String, step: String)
  /// A reference-solution action failed.
  case solutionFailed(lesson: String, step: String, action: String, detail: String)
  /// No `Checks/` folder was found next to the lessons.
  case noCheckLibrary
  /// Every check of the step passed, but the guest stopped answering before the next step could begin: nothing was
  /// recorded as passed (the attempt is "not graded") and the step did not advance.
  case passedButNotRecorded(lesson: String, step: String, detail: String)

  public var errorDescription: String? {
    switch self {
    case .agentUnresponsive(let lesson, let detail):
      "The guest of '\(lesson)' is not answering, so nothing was graded: \(TerminalSafe.clip(detail, limit: 200))"
    case .monitorUnresponsive(let lesson, let detail):
      "QEMU's monitor of '\(lesson)' is not answering, so nothing was graded: \(TerminalSafe.clip(detail, limit: 200))"
    case .unknownStep(let lesson, let step, let known):
      "The lesson '\(lesson)' has no step '\(TerminalSafe.clip(step))'" + Spelling.didYouMean(step, in: known)
        + ". Its steps: \(known.joined(separator: ", "))."
    case .lessonFinished(let lesson):
      "You have finished every step of '\(lesson)'."
    case .invalidCheck(let lesson, let step, let detail):
      "A check of step '\(step)' in '\(lesson)' is not valid: \(TerminalSafe.clip(detail, limit: 300))"
    case .stepNotPassed(let lesson, let step):
      "The step '\(step)' of '\(lesson)' has not passed yet."
    case .solutionFailed(let lesson, let step, let action, let detail):
      "The reference solution of step '\(step)' in '\(lesson)' failed at `\(TerminalSafe.clip(action, limit: 120))`: "
        + TerminalSafe.clip(detail, limit: 300)
    case .noCheckLibrary:
      "No Checks/ folder was found next to the lessons or in the current directory."
    case .passedButNotRecorded(let lesson, let step, let detail):
      "Every check of step '\(step)' in '\(lesson)' passes, but the guest stopped answering before the next step could "
        + "begin, so this attempt is not graded and you are still on that step: \(TerminalSafe.clip(detail, limit: 200))"
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .agentUnresponsive(let lesson, _), .passedButNotRecorded(let lesson, _, _):
      "Nothing was recorded (not graded). If the guest agent died, the guest's init restarts it within a few seconds: "
        + "run `qlearn check` again. If it still does not answer, look at the console (`qlearn attach \(lesson)`): a "
        + "command may be hogging the guest, or it may be suspended."
    case .monitorUnresponsive:
      "Close any other `qlearn monitor` of this VM (QEMU serves one monitor client at a time) and try again."
    case .unknownStep(let lesson, _, _):
      "`qlearn show \(lesson)` lists the steps."
    case .lessonFinished(let lesson):
      "`qlearn progress \(lesson)` shows how it went; `qlearn goto <step>` returns to a step; `qlearn list` shows what comes next."
    case .invalidCheck:
      "Run `qlearn lint` on the lesson and fix what it reports."
    case .stepNotPassed:
      "Run `qlearn check` to grade it, or `qlearn skip` to apply its reference solution and move on."
    case .solutionFailed:
      "The VM may not be in the state the step expects (e.g. after `qlearn goto`); restart it with `qlearn stop` and `qlearn start`."
    case .noCheckLibrary:
      "Run qlearn from the course checkout (the folder with Lessons/ and Checks/), or pass --lessons DIR."
    }
  }
}
