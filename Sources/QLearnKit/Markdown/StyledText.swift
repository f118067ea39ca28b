/// The renderer's own styling vocabulary. Only these become escape sequences, so everything else in the output is
/// sanitized lesson text.
struct TextAttributes: OptionSet, Sendable, Hashable {
  let rawValue: UInt16

  static let bold = TextAttributes(rawValue: 1 << 0)
  static let dim = TextAttributes(rawValue: 1 << 1)
  static let italic = TextAttributes(rawValue: 1 << 2)
  static let underline = TextAttributes(rawValue: 1 << 3)
  /// Inline code.
  static let code = TextAttributes(rawValue: 1 << 4)
  /// A link's or image's address.
  static let url = TextAttributes(rawValue: 1 << 5)
  /// Prompts of the three kinds of command block, one colour each so the learner sees at a glance where to type.
  static let guestPrompt = TextAttributes(rawValue: 1 << 6)
  static let monitorPrompt = TextAttributes(rawValue: 1 << 7)
  static let hostPrompt = TextAttributes(rawValue: 1 << 8)

  /// SGR parameters, attributes first, then at most one foreground colour (the first that applies).
  var sgrParameters: [String] {
    var parameters: [String] = []
    if contains(.bold) { parameters.append("1") }
    if contains(.dim) { parameters.append("2") }
    if contains(.italic) { parameters.append("3") }
    if contains(.underline) { parameters.append("4") }
    if contains(.code) {
      parameters.append("36")  // cyan
    } else if contains(.url) {
      parameters.append("34")  // blue
    } else if contains(.guestPrompt) {
      parameters.append("32")  // green
    } else if contains(.monitorPrompt) {
      parameters.append("35")  // magenta
    } else if contains(.hostPrompt) {
      parameters.append("33")  // yellow
    }
    return parameters
  }
}

/// A run of sanitized text with one set of attributes.
struct StyledFragment: Sendable, Equatable {
  var text: String
  var attributes: TextAttributes
}

/// One output line built from fragments; turned into a string only at the end, so widths are measured on text alone.
struct StyledLine: Sendable, Equatable {
  var fragments: [StyledFragment] = []

  init(_ fragments: [StyledFragment] = []) { self.fragments = fragments }
  init(_ text: String, _ attributes: TextAttributes = []) {
    self.fragments = text.isEmpty ? [] : [StyledFragment(text: text, attributes: attributes)]
  }

  var width: Int { fragments.reduce(0) { $0 + TerminalText.width(of: $1.text) } }
  var isEmpty: Bool { fragments.allSatisfy { $0.text.isEmpty } }

  mutating func append(_ text: String, _ attributes: TextAttributes = []) {
    guard !text.isEmpty else { return }
    if let last = fragments.last, last.attributes == attributes {
      fragments[fragments.count - 1].text += text
    } else {
      fragments.append(StyledFragment(text: text, attributes: attributes))
    }
  }

  mutating func append(_ line: StyledLine) {
    for fragment in line.fragments { append(fragment.text, fragment.attributes) }
  }

  func prefixed(by prefix: StyledLine) -> StyledLine {
    var line = prefix
    line.append(self)
    return line
  }

  /// The line as terminal output: with `color`, each styled fragment is wrapped in SGR and reset right after it, so a
  /// style never leaks past its fragment or onto the next line; without `color`, no escape byte at all.
  func rendered(color: Bool) -> String {
    var out = ""
    for fragment in fragments where !fragment.text.isEmpty {
      let parameters = fragment.attributes.sgrParameters
      if color && !parameters.isEmpty {
        out += "\u{1B}[" + parameters.joined(separator: ";") + "m" + fragment.text + "\u{1B}[0m"
      } else {
        out += fragment.text
      }
    }
    return out
  }
}
