import FuzzDriver
import QLearnKit

/// Bytes -> libcmark -> qlearn's terminal renderer, plain and styled. Beyond not crashing, the output must never carry
/// an escape sequence that did not come from qlearn's own styling: a stray ESC is reported as a crash.
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let plain = MarkdownRenderer(style: .plain).render(text)
  if plain.utf8.contains(0x1B) || plain.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) {
    fatalError("an escape or C1 control reached plain output")
  }
  _ = MarkdownRenderer(style: TerminalStyle(color: true, width: 80)).render(text)
  return 0
}

@_cdecl("FuzzMarkdown_main")
public func fuzzMarkdownMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { data, size in data.map { fuzzMarkdown($0, size) } ?? 0 }
}
