import FuzzDriver
import QLearnKit

/// Bytes -> YAML -> a check definition, as qlearn reads a file of a course's `Checks/` folder.
public func fuzzCheckFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = CheckLibrary.parse(text, file: "fuzz.yaml", fileName: "fuzz.yaml")
  return 0
}

@_cdecl("FuzzCheckFile_main")
public func fuzzCheckFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv) { data, size in data.map { fuzzCheckFile($0, size) } ?? 0 }
}
