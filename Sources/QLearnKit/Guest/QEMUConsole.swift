import Foundation

/// A QEMU process whose first serial port is its stdin/stdout, for the few places qlearn boots a guest just to look
/// at it: lpj calibration, tests and benchmarks. (Lessons run through the session layer instead.)
///
/// QEMU is started through `setpriv --pdeathsig KILL` from a thread that lives exactly as long as QEMU does, so the
/// kernel kills QEMU if this process dies for any reason; ``terminate()`` (also run on deinit) covers the normal path.
public final class QEMUConsole: @unchecked Sendable {
  private let process = Process()
  private let input = Pipe()
  private let condition = NSCondition()
  private var buffer = Data()
  private var exited = false
  public let commandLine: [String]

  /// - Parameter arguments: QEMU's arguments; they must route the console to stdio (`-serial stdio` or a
  ///   `-chardev stdio` serial) and should include `-no-reboot` so a guest panic ends QEMU.
  public init(qemu: String = "qemu-system-x86_64", arguments: [String]) throws {
    guard let qemuURL = Command.which(qemu) else { throw CommandError.notFound(program: qemu) }
    guard let setpriv = Command.which("setpriv") else { throw CommandError.notFound(program: "setpriv") }
    commandLine = [qemuURL.path] + arguments
    process.executableURL = setpriv
    process.arguments = ["--pdeathsig", "KILL", "--"] + commandLine
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    let started = DispatchSemaphore(value: 0)
    let box = LaunchResult()
    let thread = Thread { [process, condition] in
      do {
        try process.run()
      } catch {
        box.error = error
        started.signal()
        return
      }
      started.signal()
      let reader = output.fileHandleForReading
      while true {
        let chunk = reader.availableData
        condition.lock()
        if chunk.isEmpty {
          condition.unlock()
          break
        }
        self.buffer.append(chunk)
        condition.broadcast()
        condition.unlock()
      }
      process.waitUntilExit()
      condition.lock()
      self.exited = true
      condition.broadcast()
      condition.unlock()
    }
    thread.start()
    started.wait()
    if let error = box.error {
      throw CommandError.launchFailed(command: commandLine.joined(separator: " "), reason: "\(error)")
    }
  }

  deinit { terminate() }

  /// Everything QEMU and the guest console printed so far.
  public var output: String {
    condition.lock()
    defer { condition.unlock() }
    return String(decoding: buffer, as: UTF8.self)
  }

  public var hasExited: Bool {
    condition.lock()
    defer { condition.unlock() }
    return exited
  }

  /// Waits until the console output, from byte `after` on, contains `text`; false on timeout or when QEMU exits.
  @discardableResult
  public func waitFor(_ text: String, after: Int = 0, timeout: TimeInterval) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    let needle = Data(text.utf8)
    condition.lock()
    defer { condition.unlock() }
    while true {
      if buffer.count > after, buffer[(buffer.startIndex + after)...].range(of: needle) != nil { return true }
      if exited || !condition.wait(until: deadline) { return false }
    }
  }

  /// The byte count of the output so far: pass it to ``waitFor(_:after:timeout:)`` to wait only for new output.
  public var mark: Int {
    condition.lock()
    defer { condition.unlock() }
    return buffer.count
  }

  /// Types `text` into the guest console.
  public func send(_ text: String) {
    try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
  }

  /// Kills QEMU and waits for it to be gone.
  public func terminate() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
    }
    condition.lock()
    let deadline = Date(timeIntervalSinceNow: 10)
    while !exited, condition.wait(until: deadline) {}
    condition.unlock()
  }
}

private final class LaunchResult: @unchecked Sendable {
  var error: Error?
}
