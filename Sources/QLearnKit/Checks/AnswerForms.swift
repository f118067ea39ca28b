import Foundation

/// How a learner's answer is compared with an author's value (`answer-equals`) or pattern (`answer-matches`).
///
/// Both sides are normalised first: surrounding whitespace goes, inner runs of whitespace become one space, and one pair
/// of enclosing brackets (`[0:2:1:0]`, `(5)`, `<xapic>`) is dropped. Numbers compare by value when both sides are numbers
/// (`0x80000000` = `2147483648`, `08` = `8`; hexadecimal needs its `0x`). A one-word value (an id such as `xapic`,
/// `0:2:1:0`, `ttyS0`) compares without regard to case. An author may list other accepted forms (`accept:`), each
/// compared the same way.
public enum AnswerForms {
  /// The answer as compared: trimmed, inner whitespace collapsed, one pair of enclosing brackets removed.
  public static func normalise(_ text: String) -> String {
    var words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    let pairs: [(Character, Character)] = [("[", "]"), ("(", ")"), ("<", ">")]
    if words.count >= 2, let first = words.first, let last = words.last,
      pairs.contains(where: { $0.0 == first && $0.1 == last })
    {
      words = String(words.dropFirst().dropLast())
      words = words.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
    return words
  }

  /// The value of a whole-number answer: decimal (leading zeros allowed, `08` is 8) or hexadecimal with `0x`.
  public static func number(_ text: String) -> UInt64? {
    var body = Substring(text)
    var negative = false
    if body.hasPrefix("-") {
      negative = true
      body = body.dropFirst()
    }
    guard !negative, !body.isEmpty else { return nil }
    if body.lowercased().hasPrefix("0x") {
      let digits = body.dropFirst(2)
      guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else { return nil }
      return UInt64(digits, radix: 16)
    }
    guard body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return UInt64(body, radix: 10)
  }

  /// Whether `answer` is `value` in an accepted form.
  public static func equal(_ answer: String, _ value: String) -> Bool {
    let have = normalise(answer)
    let want = normalise(value)
    if have == want { return true }
    if let a = number(have), let b = number(want) { return a == b }
    if isIdentifier(want) { return have.lowercased() == want.lowercased() }
    return false
  }

  /// Whether `answer` is `value` or one of the other `accepted` forms.
  public static func accepts(_ answer: String, value: String, accepted: [String]) -> Bool {
    ([value] + accepted).contains { equal(answer, $0) }
  }

  /// Whether a pattern matches the answer as typed (trimmed) or normalised.
  public static func matches(_ regex: NSRegularExpression, answer: String) -> Bool {
    let forms = [answer.trimmingCharacters(in: .whitespacesAndNewlines), normalise(answer)]
    return forms.contains { regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
  }

  /// One word of letters, digits and `_ : . - /`: an id, a device name, a hexadecimal number.
  static func isIdentifier(_ text: String) -> Bool {
    !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_:.-/".contains($0)) }
  }

  /// The accepted forms as a check's `accept` argument carries them: one per line.
  public static func list(_ argument: String?) -> [String] {
    (argument ?? "").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
  }
}
