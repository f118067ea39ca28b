import QLearnKit

/// Bytes -> YAML -> a check definition, as qlearn reads a file of a course's `Checks/` folder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = CheckLibrary.parse(text, file: "fuzz.yaml", fileName: "fuzz.yaml")
  return 0
}

/// SwiftPM links an executable target's entry point as `FuzzCheckFile_main`; hand the process to libFuzzer's driver with
/// this target's callback (libFuzzer's own `main` is then not linked).
@_cdecl("FuzzCheckFile_main")
public func FuzzCheckFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return runFuzzerDriver(&count, &arguments, { data, size in data.map { fuzzCheckFile($0, size) } ?? 0 })
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
