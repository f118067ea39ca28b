import Foundation

/// Finds where a value is mentioned in prose a learner reads: as the word itself (`ttyS0`, `0:2:1:0`, case-insensitive),
/// or for a number as any spelling of the same value (`9`, `0x9`, `nine`, and for sizes `256 MiB`, `2G`).
///
/// A mention is a whole token: `nvme0q3` does not mention 3, `0000:01` does not mention 1, `4/0/2` does not mention 4.
enum TextMentions {
  static let words = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
  ]

  /// Characters that glue a token to its neighbours: a number next to one of these is part of something else.
  static let glue = "A-Za-z0-9_.:/>\\-"

  /// Regular expressions that find `value` in text, one per spelling.
  static func patterns(for value: String) -> [NSRegularExpression] {
    let trimmed = AnswerForms.normalise(value)
    guard !trimmed.isEmpty else { return [] }
    var sources: [String] = []
    if let number = AnswerForms.number(trimmed) {
      sources.append("(?<![\(glue)])(0x0*\(String(number, radix: 16))|0*\(number))(?![\(glue)])")
      if number > 1, number < UInt64(words.count) {
        sources.append("(?<![A-Za-z])\(words[Int(number)])(?![A-Za-z])")
      }
      for (power, units) in [(UInt64(1) << 10, "K|KiB|KB"), (1 << 20, "M|MiB|MB"), (1 << 30, "G|GiB|GB"), (1 << 40, "T|TiB|TB")]
      where number >= power && number % power == 0 {
        sources.append("(?<![\(glue)])\(number / power) ?(\(units))(?![A-Za-z0-9])")
      }
    } else {
      let escaped = NSRegularExpression.escapedPattern(for: trimmed)
      sources.append("(?<![A-Za-z0-9_])\(escaped)(?![A-Za-z0-9_])")
    }
    return sources.compactMap { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }
  }

  /// The first mention of any of `values` in `text`: its character offset (0-based, within its line), line (0-based)
  /// and the text found.
  static func first(of values: [String], in text: String) -> (line: Int, column: Int, found: String)? {
    let patterns = values.flatMap(patterns(for:))
    var best: (line: Int, column: Int, found: String)?
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = String(line)
      for pattern in patterns {
        guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
          let range = Range(match.range, in: line)
        else { continue }
        let column = line.distance(from: line.startIndex, to: range.lowerBound)
        if best == nil || column < best!.column { best = (index, column, String(line[range])) }
      }
      if best != nil { return best }
    }
    return nil
  }
}
