/// Turns inline Markdown into wrapped, styled lines.
///
/// Two steps: ``pieces(of:)`` flattens the inline tree into sanitized text pieces carrying their attributes, then
/// ``wrap(_:width:)`` fills lines greedily. Inline code and URLs are unbreakable (their spaces are not break points), so a
/// command or address is never split across lines; a word wider than the line overflows rather than being cut.
struct InlineLayout {
  enum Piece: Equatable {
    case text(String, TextAttributes, breakable: Bool)
    case hardBreak
  }

  /// Applied to prose text (not to code or URLs): level-1 headings are shown upper-cased.
  var transformText: (@Sendable (String) -> String)? = nil

  func pieces(of inlines: [MarkdownInline], attributes: TextAttributes = []) -> [Piece] {
    var out: [Piece] = []
    append(inlines, attributes, to: &out)
    return out
  }

  private func prose(_ text: String) -> String {
    let clean = TerminalText.sanitize(text)
    return transformText.map { $0(clean) } ?? clean
  }

  private func append(_ inlines: [MarkdownInline], _ attributes: TextAttributes, to out: inout [Piece]) {
    for inline in inlines {
      switch inline {
      case .text(let text):
        out.append(.text(prose(text), attributes, breakable: true))
      case .softBreak:
        out.append(.text(" ", attributes, breakable: true))
      case .lineBreak:
        out.append(.hardBreak)
      case .code(let code):
        out.append(.text(TerminalText.sanitize(code), attributes.union(.code), breakable: false))
      case .html(let html):
        // Raw HTML is never interpreted: the reader sees the tag as the author typed it.
        out.append(.text(TerminalText.sanitize(html), attributes.union(.dim), breakable: true))
      case .emphasis(let children):
        append(children, attributes.union(.italic), to: &out)
      case .strong(let children):
        append(children, attributes.union(.bold), to: &out)
      case .link(let url, _, let children):
        let shown = MarkdownInline.plainText(of: children)
        let address = TerminalText.sanitize(url)
        if address.isEmpty {
          append(children, attributes, to: &out)
        } else if shown == url || "mailto:" + shown == url {
          // An autolink: printing the address twice says nothing more.
          out.append(.text("<" + address + ">", attributes.union(.url), breakable: false))
        } else {
          append(children, attributes.union(.underline), to: &out)
          out.append(.text(" ", attributes, breakable: true))
          out.append(.text("<" + address + ">", attributes.union(.url), breakable: false))
        }
      case .image(let url, _, let children):
        let alt = TerminalText.sanitize(MarkdownInline.plainText(of: children))
        out.append(.text("[image: " + alt + "]", attributes.union(.dim), breakable: false))
        if !url.isEmpty {
          out.append(.text(" ", attributes, breakable: true))
          out.append(.text("<" + TerminalText.sanitize(url) + ">", attributes.union(.url), breakable: false))
        }
      }
    }
  }

  /// Greedy fill to `width` columns. Runs of whitespace collapse to one space; a space keeps the attributes of the text
  /// it sat in, so an underlined link of several words stays one underline.
  static func wrap(_ pieces: [Piece], width: Int) -> [StyledLine] {
    var lines: [StyledLine] = []
    var line = StyledLine()
    var lineWidth = 0
    var word = StyledLine()
    var wordGap: TextAttributes = []  // attributes of the whitespace before `word`
    var pendingSpace: TextAttributes? = nil  // whitespace seen since the last word, if any

    func flushWord() {
      defer { word = StyledLine() }
      guard !word.isEmpty else { return }
      let wordWidth = word.width
      if lineWidth == 0 {
        line.append(word)
        lineWidth = wordWidth
      } else if lineWidth + 1 + wordWidth <= width {
        line.append(" ", wordGap)
        line.append(word)
        lineWidth += 1 + wordWidth
      } else {
        lines.append(line)
        line = word
        lineWidth = wordWidth
      }
    }

    func breakHere(_ attributes: TextAttributes) {
      flushWord()
      if pendingSpace == nil { pendingSpace = attributes }
    }

    func appendToWord(_ text: String, _ attributes: TextAttributes) {
      if word.isEmpty { wordGap = pendingSpace ?? [] }
      word.append(text, attributes)
      pendingSpace = nil
    }

    for piece in pieces {
      switch piece {
      case .hardBreak:
        flushWord()
        lines.append(line)
        line = StyledLine()
        lineWidth = 0
        pendingSpace = nil
      case .text(let text, let attributes, let breakable):
        if breakable {
          var chunk = ""
          for character in text {
            if character == " " || character == "\n" {
              if !chunk.isEmpty { appendToWord(chunk, attributes) }
              chunk = ""
              breakHere(attributes)
            } else {
              chunk.append(character)
            }
          }
          if !chunk.isEmpty { appendToWord(chunk, attributes) }
        } else {
          appendToWord(String(text.map { $0 == "\n" ? " " : $0 }), attributes)
        }
      }
    }
    flushWord()
    if !line.isEmpty || !lines.isEmpty { lines.append(line) }
    return lines
  }
}
