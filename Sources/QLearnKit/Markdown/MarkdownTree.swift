/// A Markdown document as plain Swift values, copied out of libcmark's AST so that the C tree can be freed at once and
/// the renderer is a pure function over values that are easy to reason about.
indirect enum MarkdownBlock: Sendable, Equatable {
  case paragraph([MarkdownInline])
  case heading(level: Int, [MarkdownInline])
  case blockQuote([MarkdownBlock])
  case list(MarkdownList)
  /// `info` is the fence info string as written (may be empty); `literal` the code, ending in a newline as cmark keeps it.
  case codeBlock(info: String, literal: String)
  case htmlBlock(String)
  case thematicBreak
}

struct MarkdownList: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    case bullet
    /// `delimiter` is "." or ")" as the author wrote it.
    case ordered(start: Int, delimiter: String)
  }

  var kind: Kind
  /// Tight lists (no blank line between items) are printed without blank lines between items either.
  var tight: Bool
  var items: [[MarkdownBlock]]
}

indirect enum MarkdownInline: Sendable, Equatable {
  case text(String)
  case softBreak
  case lineBreak
  case code(String)
  case html(String)
  case emphasis([MarkdownInline])
  case strong([MarkdownInline])
  case link(url: String, title: String, [MarkdownInline])
  case image(url: String, title: String, [MarkdownInline])
}

extension MarkdownInline {
  /// The words a reader sees, without styling: used for image alt text, link-vs-url comparison and heading names.
  static func plainText(of inlines: [MarkdownInline]) -> String {
    var out = ""
    for inline in inlines {
      switch inline {
      case .text(let text), .code(let text), .html(let text): out += text
      case .softBreak, .lineBreak: out += " "
      case .emphasis(let children), .strong(let children), .link(_, _, let children), .image(_, _, let children):
        out += plainText(of: children)
      }
    }
    return out
  }
}
