import Foundation

/// What a probe saw in the live session, in the form expectations read.
public struct Observation: Sendable, Equatable {
  /// The text that line-based expectations read: a file, a command's output, matching paths, log lines, an answer.
  public var text: String
  /// The guest command's exit status, for `status`.
  public var exitStatus: Int?
  /// For `interrupts`: the matching rows and their increase since the step began.
  public var interrupts: [InterruptIncrease]?
  /// Why there is nothing to look at (a missing file, no answer yet); every expectation then fails, saying this.
  public var unavailable: String?
  /// The learner's answer to a question: compared in its accepted forms (``AnswerForms``), not byte for byte.
  public var isAnswer: Bool

  public init(
    text: String, exitStatus: Int? = nil, interrupts: [InterruptIncrease]? = nil, unavailable: String? = nil,
    isAnswer: Bool = false
  ) {
    self.text = text
    self.isAnswer = isAnswer
    self.exitStatus = exitStatus
    self.interrupts = interrupts
    self.unavailable = unavailable
  }

  public static func unavailable(_ reason: String) -> Observation {
    Observation(text: "", unavailable: reason)
  }

  /// The lines expectations count and match, without the empty line a final newline leaves.
  public var lines: [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }
}
