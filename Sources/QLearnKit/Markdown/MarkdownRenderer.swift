/// Renders lesson Markdown for a terminal.
///
/// The document is parsed by libcmark (``CmarkParser``, default options, raw HTML never interpreted), then laid out
/// block by block into ``StyledLine``s. Every piece of lesson text passes through ``TerminalText/sanitize(_:)``; the only
/// escape sequences in the output are the renderer's own SGR codes, and with `style.color == false` there are none.
///
/// Layout: one blank line between blocks; headings level 1 upper-cased over a `═` rule, level 2 over a `─` rule, deeper
/// levels bold and underlined (plain text without colour); bullets `•` `◦` `▪` by depth; ordered lists numbered from
/// their start with numbers right-aligned; block quotes prefixed `│ `; thematic breaks a `─` rule the wrap width long;
/// links `text <url>`; images `[image: alt] <url>`; HTML blocks shown as text, HTML comments dropped.
public struct MarkdownRenderer: Sendable {
  public let style: TerminalStyle

  /// Narrowest column budget given to nested content: past it, deep nesting overflows the line instead of squeezing
  /// prose into a one-word column.
  static let minimumContentWidth = 20

  public init(style: TerminalStyle) {
    self.style = style
  }

  /// Renders a Markdown document. All text from the document passes through ``TerminalText/sanitize(_:)``; only the
  /// renderer's own styling codes are emitted (and none at all when `style.color` is false). The result ends in a
  /// newline unless it is empty.
  public func render(_ markdown: String) -> String {
    let lines = renderBlocks(
      CmarkParser.parse(markdown), width: max(style.width, Self.minimumContentWidth), tight: false, listDepth: 0)
    guard !lines.isEmpty else { return "" }
    return lines.map { $0.rendered(color: style.color) }.joined(separator: "\n") + "\n"
  }

  // MARK: - Blocks

  private func renderBlocks(_ blocks: [MarkdownBlock], width: Int, tight: Bool, listDepth: Int) -> [StyledLine] {
    var out: [StyledLine] = []
    for block in blocks {
      let lines = renderBlock(block, width: width, listDepth: listDepth)
      guard !lines.isEmpty else { continue }  // a dropped block leaves no gap
      if !out.isEmpty && !tight { out.append(StyledLine()) }
      out += lines
    }
    return out
  }

  private func renderBlock(_ block: MarkdownBlock, width: Int, listDepth: Int) -> [StyledLine] {
    switch block {
    case .paragraph(let inlines):
      if let rows = tableRows(inlines) {
        return rows.flatMap { InlineLayout.wrap(InlineLayout().pieces(of: $0), width: Int.max) }
      }
      return InlineLayout.wrap(InlineLayout().pieces(of: inlines), width: width)
    case .heading(let level, let inlines):
      return heading(level: level, inlines, width: width)
    case .blockQuote(let children):
      let inner = renderBlocks(children, width: contentWidth(width, minus: 2), tight: false, listDepth: listDepth)
      return inner.map { line in
        line.isEmpty ? StyledLine("│", .dim) : line.prefixed(by: StyledLine("│ ", .dim))
      }
    case .list(let list):
      return self.list(list, width: width, listDepth: listDepth)
    case .codeBlock(let info, let literal):
      return codeBlock(kind: CodeBlockKind(info: info), literal: literal)
    case .htmlBlock(let html):
      // Shown as the author typed it, never interpreted; comments are authoring notes and are dropped.
      if html.drop(while: { $0 == " " }).hasPrefix("<!--") { return [] }
      return sourceLines(of: TerminalText.sanitize(html)).map { StyledLine($0, .dim) }
    case .thematicBreak:
      return [StyledLine(String(repeating: "─", count: width), .dim)]
    }
  }

  /// A GFM table is not core CommonMark: cmark gives it as a paragraph of `|` lines joined by soft breaks. Re-flowing
  /// it would mash the rows together, so when every line of a paragraph starts with `|`, its lines are kept as written.
  private func tableRows(_ inlines: [MarkdownInline]) -> [[MarkdownInline]]? {
    let rows = inlines.split(separator: .softBreak, omittingEmptySubsequences: false).map(Array.init)
    guard rows.count >= 2,
      rows.allSatisfy({ MarkdownInline.plainText(of: $0).drop(while: { $0 == " " }).hasPrefix("|") })
    else { return nil }
    return rows
  }

  private func contentWidth(_ width: Int, minus indent: Int) -> Int {
    max(width - indent, Self.minimumContentWidth)
  }

  private func heading(level: Int, _ inlines: [MarkdownInline], width: Int) -> [StyledLine] {
    var layout = InlineLayout()
    var attributes: TextAttributes = [.bold]
    if level == 1 {
      layout.transformText = { $0.uppercased() }
    } else if level >= 3 {
      attributes.insert(.underline)
    }
    let lines = InlineLayout.wrap(layout.pieces(of: inlines, attributes: attributes), width: width)
    guard level <= 2, !lines.isEmpty else { return lines }
    let ruleWidth = min(lines.map(\.width).max() ?? 0, width)
    return lines + [StyledLine(String(repeating: level == 1 ? "═" : "─", count: ruleWidth), .dim)]
  }

  private static let bullets = ["•", "◦", "▪"]

  private func list(_ list: MarkdownList, width: Int, listDepth: Int) -> [StyledLine] {
    let markers: [String]
    switch list.kind {
    case .bullet:
      markers = Array(repeating: Self.bullets[listDepth % Self.bullets.count], count: list.items.count)
    case .ordered(let start, let delimiter):
      let numbers = list.items.indices.map { String(start + $0) + delimiter }
      let widest = numbers.map(\.count).max() ?? 0
      markers = numbers.map { String(repeating: " ", count: widest - $0.count) + $0 }
    }
    var out: [StyledLine] = []
    for (item, marker) in zip(list.items, markers) {
      let markerWidth = TerminalText.width(of: marker) + 1
      let inner = renderBlocks(
        item, width: contentWidth(width, minus: markerWidth), tight: list.tight, listDepth: listDepth + 1)
      if !out.isEmpty && !list.tight { out.append(StyledLine()) }
      let indent = StyledLine(String(repeating: " ", count: markerWidth))
      guard let first = inner.first else {
        out.append(StyledLine(marker))
        continue
      }
      out.append(first.prefixed(by: StyledLine(marker + " ")))
      out += inner.dropFirst().map { $0.isEmpty ? $0 : $0.prefixed(by: indent) }
    }
    return out
  }

  /// Code is never wrapped. A command block gets a label line and a prompt on each line; a line continuing a command
  /// (the previous one ends in `\`) gets blanks instead of a prompt, so it doesn't look like a second command.
  private func codeBlock(kind: CodeBlockKind, literal: String) -> [StyledLine] {
    var code = TerminalText.sanitize(literal)
    if code.hasSuffix("\n") { code.removeLast() }
    let lines = sourceLines(of: code)
    guard let label = kind.label else {
      return lines.map { $0.isEmpty ? StyledLine() : StyledLine("    " + $0) }
    }
    var out = [StyledLine("  " + label, .dim)]
    var continuing = false
    for line in lines {
      guard !line.isEmpty else {
        out.append(StyledLine())
        continuing = false
        continue
      }
      var styled = StyledLine("  ")
      if continuing {
        styled.append(String(repeating: " ", count: kind.prompt.count))
      } else {
        styled.append(kind.prompt, kind.promptAttributes)
      }
      styled.append(line)
      out.append(styled)
      continuing = line.hasSuffix("\\")
    }
    return out
  }

  /// Lines of already-sanitized text (only `\n` separates them after sanitizing).
  private func sourceLines(of text: String) -> [String] {
    var text = text
    while text.hasSuffix("\n") { text.removeLast() }
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }
}
