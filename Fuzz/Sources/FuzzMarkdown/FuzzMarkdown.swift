import QLearnKit

/// Bytes -> libcmark -> qlearn's terminal renderer, plain and styled, and the HTML renderer of `qlearn serve`. Beyond
/// not crashing: the plain terminal output must never carry an escape sequence (qlearn's own styling is the only source
/// of ESC), and the HTML must hold only the tags cmark makes from Markdown (no raw HTML, no script), no `javascript:`
/// destination and no control character. A broken rule is reported as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let plain = MarkdownRenderer(style: .plain).render(text)
  if plain.utf8.contains(0x1B) || plain.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) {
    fatalError("an escape or C1 control reached plain output")
  }
  _ = MarkdownRenderer(style: TerminalStyle(color: true, width: 80)).render(text)
  checkHTML(HTMLRenderer.render(text))
  return 0
}

/// The elements cmark's HTML renderer writes for CommonMark, and the comment that stands for omitted raw HTML.
let markdownTags: Set<String> = [
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "a", "img", "ul", "ol", "li", "blockquote",
  "hr", "br",
]

func checkHTML(_ html: String) {
  if html.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }) {
    fatalError("a control character reached the HTML")
  }
  let lower = html.lowercased()
  if lower.contains("href=\"javascript:") || lower.contains("src=\"javascript:") {
    fatalError("a javascript: link reached the HTML")
  }
  var rest = Substring(html)
  while let open = rest.firstIndex(of: "<") {
    let tag = rest[rest.index(after: open)...]
    if tag.hasPrefix("!-- raw HTML omitted -->") {
      rest = tag.dropFirst(3)
      continue
    }
    let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
    if !markdownTags.contains(name) { fatalError("the HTML has a tag <\(name)> cmark does not make from Markdown") }
    rest = tag
  }
}

/// SwiftPM links an executable target's entry point as `FuzzMarkdown_main`; hand the process to libFuzzer's driver with
/// this target's callback (libFuzzer's own `main` is then not linked).
@_cdecl("FuzzMarkdown_main")
public func FuzzMarkdownMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return runFuzzerDriver(&count, &arguments, { data, size in data.map { fuzzMarkdown($0, size) } ?? 0 })
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
