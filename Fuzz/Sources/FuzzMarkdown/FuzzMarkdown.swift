import QLearnKit

/// Bytes -> libcmark -> qlearn's terminal renderer, plain and styled. Beyond not crashing, the output must never carry
/// an escape sequence that did not come from qlearn's own styling: a stray ESC is reported as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let plain = MarkdownRenderer(style: .plain).render(text)
  if plain.utf8.contains(0x1B) || plain.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) {
    fatalError("an escape or C1 control reached plain output")
  }
  _ = MarkdownRenderer(style: TerminalStyle(color: true, width: 80)).render(text)
  return 0
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
