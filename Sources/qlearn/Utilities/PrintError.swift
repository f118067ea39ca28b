import Foundation
import QLearnKit

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a line to standard error (notes and warnings, so standard output stays parseable).
///
/// With write(2), not `FileHandle.write`, which traps on a closed pipe: a reader that went away
/// (`qlearn start X 2>&1 | head -1`) must cost the lines it no longer reads, never the process.
func printError(_ message: String) {
  let bytes = Array((message + "\n").utf8)
  var offset = 0
  while offset < bytes.count {
    let written = try? bytes.withUnsafeBytes { buffer in
      try syscall("write", "standard error") { write(2, buffer.baseAddress! + offset, buffer.count - offset) }
    }
    guard let written, written > 0 else { return }
    offset += written
  }
}
