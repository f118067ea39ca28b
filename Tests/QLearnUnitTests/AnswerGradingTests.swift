import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Questions: accepted forms of an answer, and a failing answer that never gives the expected one away.
@Suite struct AnswerGradingTests {
  @Test func normalisingDropsSpacesAndOnePairOfBrackets() {
    #expect(AnswerForms.normalise("  [0:2:1:0]\n") == "0:2:1:0")
    #expect(AnswerForms.normalise("( 5 )") == "5")
    #expect(AnswerForms.normalise("<xapic>") == "xapic")
    #expect(AnswerForms.normalise("bus   2 -\t4") == "bus 2 - 4")
    #expect(AnswerForms.normalise("[[1]]") == "[1]", "only one pair")
    #expect(AnswerForms.normalise("[1") == "[1")
  }

  @Test func numbersCompareByValue() {
    #expect(AnswerForms.equal("0x80000000", "2147483648"))
    #expect(AnswerForms.equal("2147483648", "0x80000000"))
    #expect(AnswerForms.equal("08", "8"))
    #expect(AnswerForms.equal("0X1f", "31"))
    #expect(!AnswerForms.equal("10", "0x10"), "hexadecimal needs its 0x")
    #expect(!AnswerForms.equal("4", "5"))
    #expect(!AnswerForms.equal("-5", "5"))
  }

  @Test func idsIgnoreCaseAndSentencesDoNot() {
    #expect(AnswerForms.equal("XAPIC", "xapic"))
    #expect(AnswerForms.equal("ttys0", "ttyS0"))
    #expect(AnswerForms.equal("[0:2:1:0]", "0:2:1:0"))
    #expect(!AnswerForms.equal("0:0:1:0", "0:2:1:0"))
    #expect(!AnswerForms.equal("the Disk", "the disk"))
  }

  @Test func otherAcceptedFormsCount() {
    let accepted = AnswerForms.list("0000:01\nbus 1")
    #expect(accepted == ["0000:01", "bus 1"])
    #expect(AnswerForms.accepts("0000:01", value: "1", accepted: accepted))
    #expect(AnswerForms.accepts(" bus  1 ", value: "1", accepted: accepted))
    #expect(!AnswerForms.accepts("0000:02", value: "1", accepted: accepted))
    #expect(AnswerForms.list("") == [])
  }

  @Test func theEvaluatorComparesAnswersInTheirAcceptedFormsOnly() {
    let answer = Observation(text: "[0:2:1:0]\n", isAnswer: true)
    #expect(ExpectationEvaluator.evaluate(.equals(Template("0:2:1:0")), on: answer, values: [:]).passed)
    let file = Observation(text: "[0:2:1:0]\n")
    #expect(!ExpectationEvaluator.evaluate(.equals(Template("0:2:1:0")), on: file, values: [:]).passed, "files stay exact")
    let accepted = Observation(text: "pci0000:03", isAnswer: true)
    #expect(
      ExpectationEvaluator.evaluate(.equals(Template("{{value}}")), on: accepted, values: ["value": "03", "accept": "pci0000:03"])
        .passed)
    let pattern = Observation(text: "[2-4]", isAnswer: true)
    #expect(ExpectationEvaluator.evaluate(.matches(Template("^2-4$")), on: pattern, values: [:]).passed)
  }

  // MARK: Grading a question, without a VM (the answer probe reads the session folder only)

  func question(_ check: String) throws -> (Lesson, Step) {
    let text = """
      ---
      id: quiz
      title: t
      summary: s
      topic: t
      minutes: 1
      machine: {type: pc, cpus: 1, memory: 128M}
      steps:
        - id: ask
          title: Ask
          goal: Answer.
          checks:
            - \(check)
          solution:
            - answer: "5"
      ---
      """
    switch LessonLoader.parse(text, file: "quiz.md") {
    case .success(let lesson): return (lesson, try #require(lesson.steps.first))
    case .failure(let error): throw error
    }
  }

  func grade(_ check: String, answer: String, attempt: Int?) async throws -> CheckReport {
    let (lesson, step) = try question(check)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-answer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let directory = SessionDirectory(url: folder)
    try AnswerFile.write(answer, in: directory)
    let grader = StepGrader(library: try CheckLibrary(directory: Repository.checks))
    let grade = try await grader.grade(
      step, lesson: lesson, session: LiveSession(directory: directory, lesson: lesson.id), baseline: nil, attempt: attempt)
    return try #require(grade.checks.first)
  }

  @Test func aWrongAnswerNeverShowsTheExpectedValue() async throws {
    let report = try await grade(#"{check: answer-equals, value: "5"}"#, answer: "4", attempt: 7)
    #expect(!report.passed)
    #expect(report.failureText == #""4" is not it"#)
    #expect(report.outcome.message == #""4" is not it"#)
    #expect(!report.expected.contains("5"), "stored outcomes do not keep it either")
    #expect(!report.label.contains("5"), "nor does the label (value=5)")
  }

  @Test func aWrongAnswerNeverShowsThePattern() async throws {
    let report = try await grade(#"{check: answer-matches, pattern: "^(0x)?0?4$"}"#, answer: "3", attempt: 2)
    #expect(!report.passed)
    #expect(!report.failureText.contains("0?4"), "\(report.failureText)")
    #expect(!report.label.contains("0?4"))
  }

  @Test func anAuthorMayRevealTheAnswerAfterSomeAttempts() async throws {
    let check = #"{check: answer-equals, value: "5", reveal_after: 3}"#
    #expect(try await grade(check, answer: "4", attempt: 2).hidesExpected)
    let third = try await grade(check, answer: "4", attempt: 3)
    #expect(!third.hidesExpected)
    #expect(third.failureText == #"expected "5", actual "4""#)
  }

  @Test func theAuthorsVerificationSeesEverything() async throws {
    let report = try await grade(#"{check: answer-equals, value: "5"}"#, answer: "4", attempt: nil)
    #expect(report.failureText == #"expected "5", actual "4""#)
  }

  @Test func acceptedFormsPassThroughTheLibrary() async throws {
    let check = #"{check: answer-equals, value: "1", accept: ["0000:01", "bus 1"]}"#
    #expect(try await grade(check, answer: "0000:01", attempt: 1).passed)
    #expect(try await grade(check, answer: "0x01", attempt: 1).passed)
    #expect(!(try await grade(check, answer: "0000:02", attempt: 1).passed))
    #expect(try await grade(#"{check: answer-equals, value: "0:2:1:0"}"#, answer: "[0:2:1:0]", attempt: 1).passed)
  }
}
