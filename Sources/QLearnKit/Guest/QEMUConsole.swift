import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A QEMU process whose first serial port is its stdin/stdout, for the few places qlearn boots a guest just to look
/// at it: lpj calibration, tests and benchmarks. (Lessons run through the session layer instead.)
///
/// QEMU starts through ``Spawn/qemu(_:standard:)``, as a session's does, from a thread that lives exactly as long as
/// QEMU does (its `pdeathsig` is tied to that thread), so the kernel kills QEMU if this process dies for any reason;
/// ``terminate()`` (also run on deinit) covers the normal path.
public final class QEMUConsole: @unchecked Sendable {
  // @unchecked: `buffer`, `exited` and `pid` are touched only with `condition` locked; the rest is immutable.
  private let condition = NSCondition()
  private var buffer = Data()
  private var exited = false
  private var pid: pid_t = 0
  /// The write end of QEMU's standard input.
  private let input: Int32
  public let commandLine: [String]

  /// - Parameter arguments: QEMU's arguments; they must route the console to stdio (`-serial stdio` or a
  ///   `-chardev stdio` serial) and should include `-no-reboot` so a guest panic ends QEMU.
  public convenience init(qemu: String = QEMUCapabilities.defaultBinary, arguments: [String]) throws {
    try self.init(argv: [qemu] + arguments)
  }

  /// - Parameter argv: QEMU's binary and arguments, as ``QEMUCommandLine/arguments(for:plan:)`` builds them for a
  ///   plan whose console is on stdio.
  public init(argv: [String]) throws {
    commandLine = argv
    Self.ignoreBrokenPipes
    let stdin = try Spawn.pipe("QEMU console input")
    let stdout: (read: Int32, write: Int32)
    do {
      stdout = try Spawn.pipe("QEMU console output")
    } catch {
      Self.close(stdin.read, stdin.write)
      throw error
    }
    input = stdin.write
    let started = DispatchSemaphore(value: 0)
    let launch = LaunchResult()
    Thread.detachNewThread { [self] in
      do {
        let pid = try Spawn.qemu(argv, standard: .init(input: stdin.read, output: stdout.write, error: stdout.write))
        condition.withLock { self.pid = pid }
      } catch {
        launch.error = error
        condition.withLock { exited = true }  // nothing to wait for or kill
      }
      Self.close(stdin.read, stdout.write)  // QEMU holds its own copies
      started.signal()
      guard launch.error == nil else { return Self.close(stdout.read) }
      readUntilExit(stdout.read)
    }
    started.wait()
    if let error = launch.error {  // deinit closes `input`
      throw CommandError.launchFailed(command: argv.joined(separator: " "), reason: "\(error)")
    }
  }

  deinit {
    terminate()
    Self.close(input)
  }

  /// Collects QEMU's output until end-of-file, then reaps it. Runs on the thread that spawned QEMU.
  private func readUntilExit(_ fd: Int32) {
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
      let count = (try? syscall("read", "QEMU console output") { read(fd, &chunk, chunk.count) }) ?? 0
      if count <= 0 { break }
      condition.withLock {
        buffer.append(contentsOf: chunk[..<count])
        condition.broadcast()
      }
    }
    Self.close(fd)
    let pid = condition.withLock { self.pid }
    _ = try? Spawn.wait(pid)
    condition.withLock {
      exited = true
      condition.broadcast()
    }
  }

  /// Everything QEMU and the guest console printed so far.
  public var output: String {
    condition.withLock { String(decoding: buffer, as: UTF8.self) }
  }

  public var hasExited: Bool {
    condition.withLock { exited }
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
    condition.withLock { buffer.count }
  }

  /// Types `text` into the guest console. A QEMU that has exited takes nothing; ``hasExited`` says so.
  public func send(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      guard
        let written = try? bytes.withUnsafeBytes({ buffer in
          try syscall("write", "QEMU console input") { write(input, buffer.baseAddress! + offset, buffer.count - offset) }
        })
      else { return }
      offset += written
    }
  }

  /// Kills QEMU and waits (up to 10 s) for it to be gone.
  public func terminate() {
    condition.lock()
    defer { condition.unlock() }
    if !exited, pid > 0 { try? Spawn.signal(pid, SIGKILL) }  // ESRCH: it ended on its own meanwhile
    let deadline = Date(timeIntervalSinceNow: 10)
    while !exited, condition.wait(until: deadline) {}
  }

  private static func close(_ fds: Int32...) {
    for fd in fds { try? closeOnce(fd, "QEMU console pipe") }  // pipe ends: nothing is lost if close fails
  }

  /// A QEMU that died before reading its input must fail the write with EPIPE, not kill the process with SIGPIPE.
  private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()
}

/// The spawning thread's error, handed to `init`.
private final class LaunchResult: @unchecked Sendable {  // @unchecked: written before `started` signals, read after
  var error: Error?
}
