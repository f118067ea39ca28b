import Foundation

/// Lint warnings about what a learner reads, not about whether a lesson runs:
///
/// - **leak**: a question's answer (an `answer-equals` value, its `accept` forms, or the `answer:` of the step's
///   reference solution) appears in text the learner sees before passing that step: the lesson's title and summary,
///   the prose up to the end of the step's own section, the step's own title and goal, every other step's title and
///   goal (`qlearn show` lists all goals before step 1), and the hints of the steps before it (a later step's hints
///   appear only once the learner is past this one). Numbers are found in any spelling (`9`, `0x9`,
///   `nine`, sizes such as `256 MiB` for 268435456); "zero" and "one" as words are not counted.
/// - **unstated threshold**: a number a check compares with (`min: 100`, `value: 5`) that no text of the step (its
///   title, goal, hints, prose section) mentions, so a learner who does the right thing may fail without knowing why.
///   0 and 1 are left out: "none" and "one" are said in too many ways.
struct LeakRules {
  let lesson: Lesson
  let checks: CheckLibrary
  let sink: DiagnosticSink
  /// The lesson file's lines, to point at the exact line and column (empty when it cannot be read).
  let fileLines: [String]

  init(lesson: Lesson, checks: CheckLibrary, sink: DiagnosticSink) {
    self.lesson = lesson
    self.checks = checks
    self.sink = sink
    let text = (try? String(contentsOfFile: lesson.file, encoding: .utf8)) ?? ""
    fileLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// A text the learner reads, where it comes from, and where to look for it in the file.
  struct Seen {
    var what: String
    var text: String
    /// Where the text (or its key) starts in the file.
    var from: SourceLocation
    /// Body text: lines map one to one onto the file from `from`. Front-matter text is searched for from `from` on.
    var isBody: Bool
  }

  func check() {
    for (index, step) in lesson.steps.enumerated() {
      let answers = answers(of: step)
      if !answers.isEmpty { checkLeaks(step, index: index, answers: answers) }
      checkThresholds(step, index: index)
    }
  }

  // MARK: Leaks

  func answers(of step: Step) -> [String] {
    var answers: [String] = []
    for use in step.checks {
      guard let definition = checks.checks[use.name], case .answer = definition.inspect,
        let values = checks.validate(use, sink: DiagnosticSink(), path: "")
      else { continue }
      if let value = values["value"] { answers.append(value) }
      answers += AnswerForms.list(values["accept"])
    }
    guard !answers.isEmpty || step.checks.contains(where: { isQuestion($0) }) else { return [] }
    for case .answer(let text) in step.solution { answers.append(text) }
    var unique: [String] = []
    for answer in answers where !unique.contains(answer) && !AnswerForms.normalise(answer).isEmpty {
      unique.append(answer)
    }
    return unique
  }

  func isQuestion(_ use: CheckUse) -> Bool {
    guard let definition = checks.checks[use.name], case .answer = definition.inspect else { return false }
    return true
  }

  func checkLeaks(_ step: Step, index: Int, answers: [String]) {
    let top = SourceLocation(file: lesson.file, line: 1, column: 1)
    var seen: [Seen] = [
      Seen(what: "the lesson's title", text: lesson.title, from: lesson.locations["title"] ?? top, isBody: false),
      Seen(what: "the lesson's summary", text: lesson.summary, from: lesson.locations["summary"] ?? top, isBody: false),
    ]
    if let prose = proseThrough(step) {
      seen.append(Seen(what: "the prose up to this step's section", text: prose, from: bodyStart, isBody: true))
    }
    for (other, otherStep) in lesson.steps.enumerated() {
      let name = other == index ? "this step's" : "step \(other + 1) (\(otherStep.id))'s"
      seen.append(Seen(what: "\(name) title", text: otherStep.title, from: otherStep.location, isBody: false))
      seen.append(Seen(what: "\(name) goal", text: otherStep.goal, from: otherStep.location, isBody: false))
      // A later step's hints appear only once the learner is there, past this question.
      if other < index {
        for (number, hint) in otherStep.hints.enumerated() {
          seen.append(Seen(what: "\(name) hint \(number + 1)", text: hint, from: otherStep.location, isBody: false))
        }
      }
    }
    for text in seen {
      guard let mention = TextMentions.first(of: answers, in: text.text) else { continue }
      sink.report(
        Diagnostic(
          locate(text, mention), "steps[\(index)]",
          "\(text.what) gives away the answer to step \(index + 1) (\(step.id)): it says '\(TerminalSafe.clip(mention.found))'",
          suggestion: "A learner reads this before answering; reword it, or ask a question it does not answer.",
          severity: .warning))
    }
  }

  var bodyStart: SourceLocation { SourceLocation(file: lesson.file, line: lesson.bodyFirstLine, column: 1) }

  /// The body up to the end of the step's own section (the learner reads it while answering), that is up to the line
  /// before the next heading of the same or a higher level; nil when the step has no heading.
  func proseThrough(_ step: Step) -> String? {
    let headings = MarkdownSections.headings(in: lesson.body)
    guard let index = headings.firstIndex(where: { $0.text.caseInsensitiveCompare(step.heading) == .orderedSame })
    else { return nil }
    let level = headings[index].level
    let lines = lesson.body.split(separator: "\n", omittingEmptySubsequences: false)
    let end = headings[(index + 1)...].first { $0.level <= level }.map { $0.line - 1 } ?? lines.count
    return lines.prefix(end).joined(separator: "\n")
  }

  /// The file position of a mention: exact for the body; for front matter, the first line at or after the key (and
  /// before the next step) whose text holds the same mention.
  func locate(_ seen: Seen, _ mention: (line: Int, column: Int, found: String)) -> SourceLocation {
    if seen.isBody {
      return SourceLocation(file: lesson.file, line: seen.from.line + mention.line, column: mention.column + 1)
    }
    let start = max(seen.from.line - 1, 0)
    let nextStep = lesson.steps.map(\.location.line).filter { $0 > seen.from.line }.min() ?? fileLines.count + 1
    let lineText = String(
      seen.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(mention.line).first ?? "")
    let prefix = String(lineText.prefix(48))
    for strict in [true, false] {
      for number in start..<min(nextStep - 1, fileLines.count) {
        let line = fileLines[number]
        guard !strict || line.contains(prefix) else { continue }
        if let range = line.range(of: mention.found, options: .caseInsensitive) {
          return SourceLocation(
            file: lesson.file, line: number + 1, column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
        }
      }
    }
    return seen.from
  }

  // MARK: Thresholds

  func checkThresholds(_ step: Step, index: Int) {
    var text = [step.title, step.goal] + step.hints
    if let section = MarkdownSections.section(of: lesson.body, heading: step.heading) { text.append(section) }
    let said = text.joined(separator: "\n")
    for (position, use) in step.checks.enumerated() {
      guard let definition = checks.checks[use.name], !isQuestion(use),
        let values = checks.validate(use, sink: DiagnosticSink(), path: "")
      else { continue }
      for name in Self.thresholdParameters(definition) {
        guard let value = values[name], let number = AnswerForms.number(value), number > 1,
          TextMentions.first(of: [value], in: said) == nil
        else { continue }
        let location = use.arguments[name]?.location ?? use.location
        sink.report(
          Diagnostic(
            location, "steps[\(index)].checks[\(position)].\(name)",
            "the check '\(use.name)' needs \(name) \(value), which neither the step's goal, hints nor prose mention",
            suggestion: "Say the number in the goal (e.g. 'at least \(value)'): a learner who does the right thing "
              + "a little short of it fails without knowing why.",
            severity: .warning))
      }
    }
  }

  /// The parameters a check compares numbers with: those in the value of a `count`, `number` or `delta` expectation.
  static func thresholdParameters(_ definition: CheckDefinition) -> [String] {
    definition.expect.flatMap { expectation -> [String] in
      switch expectation {
      case .count(let comparison), .number(let comparison), .delta(_, let comparison): comparison.value.references
      default: []
      }
    }
  }
}
