import Foundation

/// Tests an ``Expectation`` of a check against an ``Observation``, as `Checks/README.md` defines each kind.
///
/// Pure and synchronous, so every rule is unit-tested without a VM. Texts found in the guest are untrusted: the
/// `actual` of a result is clipped and stripped of control characters before anyone prints it.
public enum ExpectationEvaluator {
  /// How much of what was found a message quotes.
  static let clipLimit = 80

  public static func evaluate(_ expectation: Expectation, on observation: Observation, values: [String: String])
    -> ExpectationResult
  {
    let expected = describe(expectation, values: values)
    if let reason = observation.unavailable {
      return ExpectationResult(passed: false, expected: expected, actual: reason)
    }
    switch expectation {
    case .matches(let template):
      guard let regex = regex(template, values) else { return invalidRegex(template, values, expected) }
      if observation.isAnswer {
        let have = observation.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return ExpectationResult(
          passed: AnswerForms.matches(regex, answer: observation.text), expected: expected, actual: quote(have))
      }
      if let line = observation.lines.first(where: { matches(regex, $0) }) {
        return ExpectationResult(passed: true, expected: expected, actual: quote(line))
      }
      return ExpectationResult(passed: false, expected: expected, actual: summary(observation.lines))
    case .notMatches(let template):
      guard let regex = regex(template, values) else { return invalidRegex(template, values, expected) }
      if let line = observation.lines.first(where: { matches(regex, $0) }) {
        return ExpectationResult(passed: false, expected: expected, actual: "the line " + quote(line))
      }
      return ExpectationResult(passed: true, expected: expected, actual: "no such line")
    case .equals(let template):
      let want = template.filled(with: values).trimmingCharacters(in: .whitespacesAndNewlines)
      let have = observation.text.trimmingCharacters(in: .whitespacesAndNewlines)
      if observation.isAnswer {
        let passed = AnswerForms.accepts(have, value: want, accepted: AnswerForms.list(values["accept"]))
        return ExpectationResult(passed: passed, expected: expected, actual: quote(have))
      }
      return ExpectationResult(passed: have == want, expected: expected, actual: quote(have))
    case .count(let comparison):
      let count = observation.interrupts?.count ?? observation.lines.count
      return compare(Double(count), comparison, values, expected: expected) {
        let lines = observation.interrupts?.map(\.row.line) ?? observation.lines
        return "\(count)" + (lines.isEmpty ? "" : " (" + clip(lines.prefix(3).joined(separator: ", ")) + ")")
      }
    case .number(let comparison):
      guard let number = firstNumber(in: observation.text) else {
        return ExpectationResult(passed: false, expected: expected, actual: "no number in " + quote(observation.text))
      }
      return compare(number, comparison, values, expected: expected) { format(number) }
    case .status(let template):
      let wanted = template.filled(with: values).trimmingCharacters(in: .whitespaces)
      guard let status = observation.exitStatus else {
        return ExpectationResult(passed: false, expected: expected, actual: "no exit status (not a command)")
      }
      return ExpectationResult(passed: Int(wanted) == status, expected: expected, actual: "exit status \(status)")
    case .delta(let cpuTemplate, let comparison):
      guard let rows = observation.interrupts else {
        return ExpectationResult(passed: false, expected: expected, actual: "no interrupt counts (not an interrupts check)")
      }
      let cpuText = cpuTemplate?.filled(with: values).trimmingCharacters(in: .whitespaces)
      let cpu = cpuText.flatMap { Int($0) }
      if cpuText != nil && cpu == nil {
        return ExpectationResult(passed: false, expected: expected, actual: "'\(clip(cpuText ?? ""))' is not a CPU number")
      }
      let total = rows.reduce(0) { sum, row in
        sum + (cpu.map { row.increase[$0] ?? 0 } ?? row.increase.values.reduce(0, +))
      }
      return compare(Double(total), comparison, values, expected: expected) {
        guard !rows.isEmpty else { return "no interrupt matches" }
        let names = rows.map { $0.row.name.isEmpty ? $0.row.label : $0.row.name }.joined(separator: ", ")
        return "+\(total)" + (cpu.map { " on CPU\($0)" } ?? "") + " (" + clip(names) + ")"
      }
    }
  }

  /// What the expectation asks for, in words, with parameters filled in.
  public static func describe(_ expectation: Expectation, values: [String: String]) -> String {
    switch expectation {
    case .matches(let t): "a line matching /\(clip(t.filled(with: values)))/"
    case .notMatches(let t): "no line matching /\(clip(t.filled(with: values)))/"
    case .equals(let t): quote(t.filled(with: values).trimmingCharacters(in: .whitespacesAndNewlines))
    case .count(let c): "a count \(c.op.filled(with: values)) \(c.value.filled(with: values))"
    case .number(let c): "a number \(c.op.filled(with: values)) \(c.value.filled(with: values))"
    case .status(let t): "exit status \(t.filled(with: values))"
    case .delta(let cpu, let c):
      "an increase \(c.op.filled(with: values)) \(c.value.filled(with: values))"
        + (cpu.map { " on CPU\($0.filled(with: values))" } ?? " over all CPUs")
    }
  }

  // MARK: Helpers

  private static func compare(
    _ value: Double, _ comparison: ComparisonTemplate, _ values: [String: String], expected: String,
    actual: () -> String
  ) -> ExpectationResult {
    guard let op = comparison.comparison(with: values) else {
      return ExpectationResult(
        passed: false, expected: expected, actual: "'\(clip(comparison.op.filled(with: values)))' is not an operator")
    }
    let limitText = comparison.value.filled(with: values).trimmingCharacters(in: .whitespaces)
    guard let limit = Double(limitText) else {
      return ExpectationResult(passed: false, expected: expected, actual: "'\(clip(limitText))' is not a number")
    }
    return ExpectationResult(passed: op.holds(value, limit), expected: expected, actual: actual())
  }

  static func regex(_ template: Template, _ values: [String: String]) -> NSRegularExpression? {
    try? NSRegularExpression(pattern: template.filled(with: values))
  }

  private static func invalidRegex(_ template: Template, _ values: [String: String], _ expected: String)
    -> ExpectationResult
  {
    ExpectationResult(
      passed: false, expected: expected,
      actual: "'\(clip(template.filled(with: values)))' is not a valid regular expression")
  }

  static func matches(_ regex: NSRegularExpression, _ line: String) -> Bool {
    regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
  }

  /// The first decimal number in the text (`MemTotal:  916696 kB` gives 916696; `-3` and `2.5` count).
  static func firstNumber(in text: String) -> Double? {
    guard let regex = try? NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?"),
      let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
      let range = Range(match.range, in: text)
    else { return nil }
    return Double(text[range])
  }

  static func format(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
  }

  static func clip(_ text: String) -> String { TerminalSafe.clip(text, limit: clipLimit) }

  static func quote(_ text: String) -> String { "\"" + clip(text.replacingOccurrences(of: "\n", with: "⏎")) + "\"" }

  private static func summary(_ lines: [String]) -> String {
    switch lines.count {
    case 0: "nothing (no lines)"
    case 1: quote(lines[0])
    default: "\(lines.count) lines, none matching; last: " + quote(lines[lines.count - 1])
    }
  }
}
