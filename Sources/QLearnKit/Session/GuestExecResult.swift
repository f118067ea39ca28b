import Foundation

/// What a program run in the guest through `guest-exec` did.
public struct GuestExecResult: Sendable, Equatable {
  /// The exit status; for a program killed by a signal, 128 + the signal number, as a shell reports it.
  public var exitCode: Int
  /// The signal that killed the program, if one did.
  public var signal: Int?
  public var stdout: Data
  public var stderr: Data
  /// The agent keeps at most 16 MiB of each stream; these say whether it cut them.
  public var stdoutTruncated: Bool
  public var stderrTruncated: Bool

  public init(
    exitCode: Int, signal: Int? = nil, stdout: Data = Data(), stderr: Data = Data(), stdoutTruncated: Bool = false,
    stderrTruncated: Bool = false
  ) {
    self.exitCode = exitCode
    self.signal = signal
    self.stdout = stdout
    self.stderr = stderr
    self.stdoutTruncated = stdoutTruncated
    self.stderrTruncated = stderrTruncated
  }

  /// Standard output as text (invalid UTF-8 repaired).
  public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  /// Standard error as text (invalid UTF-8 repaired).
  public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
  public var succeeded: Bool { exitCode == 0 }

  /// Reads a finished `guest-exec-status` reply.
  init(status: JSONValue) throws(GuestAgentError) {
    func decode(_ key: String) throws(GuestAgentError) -> Data {
      guard let text = status[key]?.string else { return Data() }
      guard let data = Data(base64Encoded: text) else {
        throw .protocolError("guest-exec-status \(key) is not base64")
      }
      return data
    }
    let signal = status["signal"]?.int
    self.init(
      exitCode: status["exitcode"]?.int ?? signal.map { 128 + $0 } ?? -1,
      signal: signal,
      stdout: try decode("out-data"),
      stderr: try decode("err-data"),
      stdoutTruncated: status["out-truncated"]?.bool ?? false,
      stderrTruncated: status["err-truncated"]?.bool ?? false)
  }
}
