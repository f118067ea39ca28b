/// "Did you mean" for unknown keys, devices, checks and parameters.
public enum Spelling {
  /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
  /// (at most a third of the word's length, and at least 1 edit allowed); ties go to the first candidate.
  public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let normalized = word.lowercased().replacingOccurrences(of: "-", with: "_")
    var best: (String, Int)?
    for candidate in candidates {
      let distance = editDistance(
        normalized, candidate.lowercased().replacingOccurrences(of: "-", with: "_"))
      if distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
    }
    guard let (candidate, distance) = best else { return nil }
    return distance <= max(1, word.count / 3) ? candidate : nil
  }

  /// " (did you mean 'x'?)" or "".
  public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String {
    closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }

  /// Levenshtein distance with adjacent transpositions counted as one edit (a common typo).
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
}
