import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// A lesson's checks are validated once, when it is loaded, and grading uses what was loaded.
@Suite struct LoadedLessonTests {
  /// AnswerGradingTests' one-step quiz, with these checks in its step (and, when given, these guest requirements).
  func lesson(_ checks: [String], guestRequires: [String] = []) throws -> Lesson {
    let quiz = AnswerGradingTests()
    var (lesson, _) = try quiz.question(try #require(checks.first))
    lesson.steps[0].checks = try checks.map { try quiz.question($0).1.checks[0] }
    lesson.guestRequires = try guestRequires.map {
      GuestRequirement(check: try quiz.question($0).1.checks[0], because: "a reason")
    }
    return lesson
  }

  @Test func checksAreTypedWithDefaultsAtLoad() throws {
    let lesson = try lesson([#"{check: answer-equals, value: "0x10", reveal_after: 2}"#])
    let loaded = LoadedLesson(lesson, library: try CheckLibrary(directory: Repository.checks))
    let checks = loaded.checks(of: try #require(lesson.steps.first))
    #expect(checks.count == 1)
    let check = try #require(try checks.first?.get())
    #expect(check.name == "answer-equals")
    #expect(check.values["value"] == "0x10")
    #expect(check.values["reveal_after"] == "2", "an integer read as one")
    #expect(check.written == ["value", "reveal_after"], "defaults are not what the lesson wrote")
  }

  @Test func aBadUseKeepsItsProblemForTheGrader() throws {
    let lesson = try lesson([#"{check: answer-equals, value: "5", reveal_after: soon}"#, "{check: answer-equal, value: x}"])
    let loaded = LoadedLesson(lesson, library: try CheckLibrary(directory: Repository.checks))
    let checks = loaded.checks(of: try #require(lesson.steps.first))
    #expect(checks.count == 2)
    guard case .failure(let wrongType) = checks[0], case .failure(let unknown) = checks[1] else {
      Issue.record("both uses should fail to load: \(checks)")
      return
    }
    #expect(wrongType.detail.contains("whole number"), "\(wrongType.detail)")
    #expect(unknown.detail == "there is no check named 'answer-equal'")
  }

  @Test func gradingUsesTheLoadedChecksNotTheLibraryAgain() async throws {
    let lesson = try lesson([#"{check: answer-equals, value: "5"}"#])
    let step = try #require(lesson.steps.first)
    let loaded = LoadedLesson(lesson, library: try CheckLibrary(directory: Repository.checks))
    let folder = try Repository.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let directory = SessionDirectory(url: folder)
    try AnswerFile.write("5", in: directory)
    // An empty library: a grader that looked the check up again would throw "no check named answer-equals".
    let grade = try await StepGrader(library: CheckLibrary(checks: [])).grade(
      step, checks: loaded.checks(of: step), lesson: lesson.id, session: LiveSession(directory: directory, lesson: lesson.id),
      baseline: nil)
    #expect(grade.passed)
    await #expect(throws: GradingError.self) {
      try await StepGrader(library: CheckLibrary(checks: [])).grade(
        step, lesson: lesson, session: LiveSession(directory: directory, lesson: lesson.id), baseline: nil)
    }
  }

  @Test func guestRequirementsAreLoadedToo() throws {
    let lesson = try lesson([#"{check: answer-equals, value: "5"}"#], guestRequires: [#"{check: answer-equals, value: "1"}"#])
    let loaded = LoadedLesson(lesson, library: try CheckLibrary(directory: Repository.checks))
    #expect(loaded.guestChecks.count == 1)
    #expect((try? loaded.guestChecks.first?.get())?.values["value"] == "1")
  }
}
