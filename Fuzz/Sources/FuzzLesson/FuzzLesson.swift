import QLearnKit

/// Bytes -> front matter -> YAML -> typed lesson -> lint (every rule that needs no QEMU), as `qlearn lint` reads a
/// stranger's lesson. Any crash, hang or runaway allocation here is a bug: every input must end in a lesson or in
/// diagnostics.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLesson(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  if case .success(let lesson) = LessonLoader.parse(text, file: "fuzz.md") {
    _ = LessonLinter(checks: FuzzChecks.library, qemu: nil).lint(lesson, known: [lesson.id])
  }
  return 0
}

/// The repository's own check library, loaded once, so lint's check rules are exercised too.
enum FuzzChecks {
  static let library: CheckLibrary = {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Checks")
    return (try? CheckLibrary(directory: directory)) ?? CheckLibrary(checks: [])
  }()
}

import struct Foundation.URL

/// SwiftPM links an executable target's entry point as `FuzzLesson_main`; hand the process to libFuzzer's driver with
/// this target's callback (libFuzzer's own `main` is then not linked).
@_cdecl("FuzzLesson_main")
public func FuzzLessonMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return runFuzzerDriver(&count, &arguments, { data, size in data.map { fuzzLesson($0, size) } ?? 0 })
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
