import Foundation

/// Whole reads and writes on a file descriptor through ``syscall(_:_:_:)``, so an interrupted call is retried.
///
/// Foundation's `FileHandle.readDataToEndOfFile()` traps (`try!`) when `read` returns `EINTR`, and `write(contentsOf:)`
/// gives up; both happen whenever a signal with a handler installed without `SA_RESTART` reaches the thread (the
/// fuzzer's timer found it: `Foundation/FileHandle.swift:699: Fatal error ... Interrupted system call`). Every pipe
/// qlearn drains or feeds goes through here instead.
public enum FileDescriptorIO {
  /// Everything until end of file.
  public static func readToEnd(_ fileDescriptor: Int32, subject: String = "") throws -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = try buffer.withUnsafeMutableBytes { raw in
        try syscall("read", subject) { read(fileDescriptor, raw.baseAddress, raw.count) }
      }
      if count == 0 { return data }
      data.append(contentsOf: buffer[..<count])
    }
  }

  /// Every byte of `bytes`: a pipe or a terminal may take fewer than asked at a time.
  public static func writeAll(_ bytes: some Collection<UInt8>, to fileDescriptor: Int32, subject: String = "")
    throws
  {
    let bytes = Array(bytes)
    var offset = 0
    while offset < bytes.count {
      offset += try bytes.withUnsafeBytes { raw in
        try syscall("write", subject) { write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset) }
      }
    }
  }
}
