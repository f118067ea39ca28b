import CCmark

/// Parses Markdown with libcmark and copies its AST into ``MarkdownBlock`` values.
///
/// Always `CMARK_OPT_DEFAULT`, never `CMARK_OPT_UNSAFE`: raw HTML only ever comes out as a literal string to show or drop.
///
/// The AST is walked with `cmark_iter` (an explicit event stream, no recursion), and nesting deeper than
/// ``maximumBlockDepth`` / ``maximumInlineDepth`` is flattened into its parent: a hostile lesson of ten thousand nested
/// `>` or `*` cannot overflow the stack of the recursive renderer, it only loses indentation or emphasis past that depth.
enum CmarkParser {
  static let maximumBlockDepth = 12
  static let maximumInlineDepth = 16

  static func parse(_ markdown: String) -> [MarkdownBlock] {
    let blocks = withDocument(markdown) { document -> [MarkdownBlock] in
      var builder = TreeBuilder()
      guard let iterator = cmark_iter_new(document) else { return [] }
      defer { cmark_iter_free(iterator) }
      while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard let node = cmark_iter_get_node(iterator) else { continue }
        if event == CMARK_EVENT_ENTER {
          builder.enter(node)
        } else if event == CMARK_EVENT_EXIT {
          builder.exit(node)
        }
      }
      return builder.finish()
    }
    return blocks ?? []
  }

  /// Runs `body` on the parsed document and frees it afterwards; nil only if cmark could not allocate the tree.
  static func withDocument<T>(_ markdown: String, _ body: (OpaquePointer) -> T) -> T? {
    var source = markdown
    let document = source.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { chars in
        cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_DEFAULT)
      }
    }
    guard let document else { return nil }
    defer { cmark_node_free(document) }
    return body(document)
  }

  static func literal(_ node: OpaquePointer) -> String { string(cmark_node_get_literal(node)) }

  /// A C string from cmark; ill-formed UTF-8 (cmark doesn't validate it by default) is repaired with U+FFFD.
  static func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }
}

/// Rebuilds the tree from cmark's enter/exit events with an explicit stack.
private struct TreeBuilder {
  private enum Kind {
    case document, blockQuote, list(MarkdownList.Kind, tight: Bool), item, paragraph, heading(Int)
    case emphasis, strong, link(url: String, title: String), image(url: String, title: String)
  }

  private struct Frame {
    var kind: Kind
    var blocks: [MarkdownBlock] = []
    var inlines: [MarkdownInline] = []
    var items: [[MarkdownBlock]] = []
  }

  /// Frames that will become values; flattened containers have none.
  private var frames: [Frame] = [Frame(kind: .document)]
  /// One entry per entered container, real or flattened, so that exits pop the right thing.
  private var entered: [Bool] = []
  private var blockDepth = 0
  private var inlineDepth = 0

  mutating func enter(_ node: OpaquePointer) {
    let type = cmark_node_get_type(node)
    switch type {
    case CMARK_NODE_DOCUMENT:
      entered.append(false)  // the root frame exists already
    case CMARK_NODE_TEXT: appendInline(.text(CmarkParser.literal(node)))
    case CMARK_NODE_SOFTBREAK: appendInline(.softBreak)
    case CMARK_NODE_LINEBREAK: appendInline(.lineBreak)
    case CMARK_NODE_CODE: appendInline(.code(CmarkParser.literal(node)))
    case CMARK_NODE_HTML_INLINE: appendInline(.html(CmarkParser.literal(node)))
    case CMARK_NODE_CODE_BLOCK:
      appendBlock(
        .codeBlock(
          info: CmarkParser.string(cmark_node_get_fence_info(node)), literal: CmarkParser.literal(node)))
    case CMARK_NODE_HTML_BLOCK: appendBlock(.htmlBlock(CmarkParser.literal(node)))
    case CMARK_NODE_THEMATIC_BREAK: appendBlock(.thematicBreak)
    case CMARK_NODE_BLOCK_QUOTE:
      pushBlockContainer(.blockQuote)
    case CMARK_NODE_LIST:
      let kind: MarkdownList.Kind =
        cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
        ? .ordered(
          start: Int(cmark_node_get_list_start(node)),
          delimiter: cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ? ")" : ".")
        : .bullet
      pushBlockContainer(.list(kind, tight: cmark_node_get_list_tight(node) != 0))
    case CMARK_NODE_ITEM:
      // An item is real exactly when its list is: the list frame collects items, nothing else does.
      if case .list = frames[frames.count - 1].kind, entered.last == true {
        push(.item)
      } else {
        entered.append(false)
      }
    case CMARK_NODE_PARAGRAPH: push(.paragraph)
    case CMARK_NODE_HEADING: push(.heading(Int(cmark_node_get_heading_level(node))))
    case CMARK_NODE_EMPH: pushInlineContainer(.emphasis)
    case CMARK_NODE_STRONG: pushInlineContainer(.strong)
    case CMARK_NODE_LINK:
      pushInlineContainer(
        .link(
          url: CmarkParser.string(cmark_node_get_url(node)), title: CmarkParser.string(cmark_node_get_title(node))))
    case CMARK_NODE_IMAGE:
      pushInlineContainer(
        .image(
          url: CmarkParser.string(cmark_node_get_url(node)), title: CmarkParser.string(cmark_node_get_title(node))))
    default:
      // Custom nodes are never produced by the parser; if one appears, keep its content, drop the node.
      if !isLeaf(type) { entered.append(false) }
    }
  }

  mutating func exit(_ node: OpaquePointer) {
    guard let real = entered.popLast(), real, frames.count > 1, let frame = frames.popLast() else { return }
    switch frame.kind {
    case .blockQuote:
      blockDepth -= 1
      appendBlock(.blockQuote(frame.blocks))
    case .list(let kind, let tight):
      blockDepth -= 1
      appendBlock(.list(MarkdownList(kind: kind, tight: tight, items: frame.items)))
    case .item:
      frames[frames.count - 1].items.append(frame.blocks)
    case .paragraph: appendBlock(.paragraph(frame.inlines))
    case .heading(let level): appendBlock(.heading(level: level, frame.inlines))
    case .emphasis:
      inlineDepth -= 1
      appendInline(.emphasis(frame.inlines))
    case .strong:
      inlineDepth -= 1
      appendInline(.strong(frame.inlines))
    case .link(let url, let title):
      inlineDepth -= 1
      appendInline(.link(url: url, title: title, frame.inlines))
    case .image(let url, let title):
      inlineDepth -= 1
      appendInline(.image(url: url, title: title, frame.inlines))
    case .document:
      break
    }
  }

  func finish() -> [MarkdownBlock] { frames[0].blocks }

  private func isLeaf(_ type: cmark_node_type) -> Bool {
    [CMARK_NODE_HTML_BLOCK, CMARK_NODE_THEMATIC_BREAK, CMARK_NODE_CODE_BLOCK, CMARK_NODE_TEXT, CMARK_NODE_SOFTBREAK,
      CMARK_NODE_LINEBREAK, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE].contains(type)
  }

  private mutating func push(_ kind: Kind) {
    frames.append(Frame(kind: kind))
    entered.append(true)
  }

  private mutating func pushBlockContainer(_ kind: Kind) {
    if blockDepth >= CmarkParser.maximumBlockDepth {
      entered.append(false)
    } else {
      blockDepth += 1
      push(kind)
    }
  }

  private mutating func pushInlineContainer(_ kind: Kind) {
    if inlineDepth >= CmarkParser.maximumInlineDepth {
      entered.append(false)
    } else {
      inlineDepth += 1
      push(kind)
    }
  }

  private mutating func appendBlock(_ block: MarkdownBlock) {
    let top = frames.count - 1
    switch frames[top].kind {
    case .list:
      // Only reachable if an item was flattened under a real list; keep the content as an item of its own.
      frames[top].items.append([block])
    case .paragraph, .heading, .emphasis, .strong, .link, .image:
      // A block can't sit inside inline content; cmark never does this, but keep the words if it ever did.
      frames[top].inlines.append(.text(MarkdownBlock.plainText(of: block)))
    default:
      frames[top].blocks.append(block)
    }
  }

  private mutating func appendInline(_ inline: MarkdownInline) {
    let top = frames.count - 1
    switch frames[top].kind {
    case .paragraph, .heading, .emphasis, .strong, .link, .image:
      frames[top].inlines.append(inline)
    default:
      // Inline content outside a paragraph only happens under flattened containers; give it a paragraph.
      appendBlock(.paragraph([inline]))
    }
  }
}

extension MarkdownBlock {
  fileprivate static func plainText(of block: MarkdownBlock) -> String {
    switch block {
    case .paragraph(let inlines), .heading(_, let inlines): return MarkdownInline.plainText(of: inlines)
    case .codeBlock(_, let literal): return literal
    case .htmlBlock(let html): return html
    default: return ""
    }
  }
}
