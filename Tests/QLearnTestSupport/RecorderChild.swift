import Foundation

/// A running `progress-recorder` (Tests/ProgressRecorder) writing attempts into a progress database, its stdout read
/// line by line for `saved <id>` acknowledgements. Crash and concurrency tests kill it or race it.
public final class RecorderChild {
  /// The lesson id the recorder files its attempts under.
  public static let lesson = "progress-recorder"

  public let process = Process()
  private let output = Pipe()
  private let errorFile: URL
  private var buffer = Data()
  private var finished = false

  /// Starts recording `count` attempts into the progress database in `directory`.
  public init(directory: URL, count: Int) throws {
    errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString).err")
    guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorFile.path])
    }
    process.executableURL = try builtExecutableURL("progress-recorder")
    process.arguments = [directory.path, String(count), Self.lesson]
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  deinit { try? FileManager.default.removeItem(at: errorFile) }

  /// The next complete line, or `nil` at end of output (the child exited or was killed).
  public func nextLine() -> String? {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex...newline)
        return line
      }
      if finished { return nil }
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { finished = true } else { buffer.append(chunk) }
    }
  }

  /// Reads `saved <id>` lines until `limit` of them or end of output. A trailing partial line is not an
  /// acknowledgement: the child may have died in the middle of writing it.
  public func readAcknowledgedIDs(limit: Int = .max) -> [Int64] {
    var ids: [Int64] = []
    while ids.count < limit, let line = nextLine() {
      if line.hasPrefix("saved "), let id = Int64(line.dropFirst(6)) { ids.append(id) }
    }
    return ids
  }

  public func standardError() -> String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
}
