import Foundation

/// A host program run to completion with its output captured.
///
/// qlearn leans on the host's own tools (apt-get, dpkg, depmod, xz, ldd, qemu-img) instead of reimplementing them, so
/// every such call goes through here: one place that finds the program, feeds stdin, drains both pipes without
/// deadlocking, and turns a failure into an error that shows the command line and what the program said.
public struct Command: Sendable {
  public var executable: String
  public var arguments: [String]
  public var currentDirectory: URL?
  public var environment: [String: String]?
  public var input: Data?

  public init(
    _ executable: String, _ arguments: [String] = [], currentDirectory: URL? = nil,
    environment: [String: String]? = nil, input: Data? = nil
  ) {
    self.executable = executable
    self.arguments = arguments
    self.currentDirectory = currentDirectory
    self.environment = environment
    self.input = input
  }

  public struct Output: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
  }

  /// The command line as a shell would show it, for error messages.
  public var commandLine: String {
    ([executable] + arguments).map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
  }

  /// Resolves a bare program name against `PATH` (plus the sbin directories, which a non-login root shell may lack).
  public static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> URL?
  {
    if name.contains("/") {
      return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
    }
    let path = (environment["PATH"] ?? "") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    for dir in path.split(separator: ":") where !dir.isEmpty {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
    }
    return nil
  }

  /// Runs the program and returns its output whatever its exit status.
  public func output() throws -> Output {
    guard let url = Command.which(executable) else {
      throw CommandError.notFound(program: executable)
    }
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    if let environment { process.environment = environment }
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    let inPipe: Pipe? = input == nil ? nil : Pipe()
    process.standardInput = inPipe ?? FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw CommandError.launchFailed(command: commandLine, reason: "\(error)")
    }
    // Drain stderr on its own thread so a chatty program cannot fill one pipe while we block on the other.
    let errBox = DataBox()
    let errThread = Thread {
      errBox.data = (try? FileDescriptorIO.readToEnd(errPipe.fileHandleForReading.fileDescriptor)) ?? Data()
      errBox.done.signal()
    }
    errThread.start()
    if let input, let inPipe {
      // A program may exit before reading all its input (a QEMU that refuses its options does): its status says so,
      // and the write must end with EPIPE, not kill qlearn with SIGPIPE or trap in FileHandle's non-throwing write;
      // FileDescriptorIO retries a write a signal interrupted, where FileHandle would stop short.
      Command.ignoreBrokenPipes
      let writer = inPipe.fileHandleForWriting
      Thread {
        try? FileDescriptorIO.writeAll(input, to: writer.fileDescriptor)
        try? writer.close()
      }.start()
    }
    let out = (try? FileDescriptorIO.readToEnd(outPipe.fileHandleForReading.fileDescriptor)) ?? Data()
    errBox.done.wait()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, stdout: out, stderr: errBox.data)
  }

  /// Ignores SIGPIPE for the rest of the process, once: qlearn reports a closed pipe as the error it is.
  private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

  /// Runs the program and returns its standard output, throwing ``CommandError/failed(command:status:stderr:)`` when
  /// it exits non-zero.
  @discardableResult
  public func run() throws -> Output {
    let result = try output()
    guard result.status == 0 else {
      throw CommandError.failed(command: commandLine, status: result.status, stderr: result.stderrText)
    }
    return result
  }
}

/// Hands the stderr bytes from the draining thread back to the caller; the semaphore orders the write before the read.
private final class DataBox: @unchecked Sendable {  // @unchecked: written before `done` signals, read after it
  var data = Data()
  let done = DispatchSemaphore(value: 0)
}

public enum CommandError: Error, Sendable, Equatable {
  case notFound(program: String)
  case launchFailed(command: String, reason: String)
  case failed(command: String, status: Int32, stderr: String)
}

extension CommandError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .notFound(let program):
      return "The program '\(program)' was not found on this host."
    case .launchFailed(let command, let reason):
      return "Could not start '\(command)': \(reason)."
    case .failed(let command, let status, let stderr):
      let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      return "'\(command)' exited with status \(status)" + (said.isEmpty ? "." : ": \(said.suffix(2000))")
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .notFound(let program):
      return "Install the Debian package that provides '\(program)' (apt-get install ...) and try again."
    case .launchFailed:
      return "Check that the program is executable and that the working directory exists."
    case .failed:
      return "Run the command by hand to see the whole output; the message above is the program's own."
    }
  }
}
