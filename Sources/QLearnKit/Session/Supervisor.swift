import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The process that owns a session's QEMU (`qlearn _supervise <session folder>`).
///
/// `qlearn start` may be killed at any moment, and a learner may detach and come back later, so QEMU cannot be
/// `qlearn start`'s own child. The supervisor runs in its own session and:
/// - starts QEMU under `setpriv --pdeathsig KILL`, so QEMU dies with it, whatever kills it;
/// - until `qlearn start` writes `keep` on its standard input, treats end-of-file there (start died during boot) as
///   an order to kill QEMU and remove the session;
/// - on SIGTERM, SIGINT or SIGHUP stops QEMU (SIGTERM, then SIGKILL after a grace period) and removes the session;
/// - when QEMU ends by itself, writes how into the session folder for `qlearn status` and the next command to report;
/// - on SIGUSR1 kills QEMU and starts it again with the command line in ``SessionDirectory/restartArgvFile`` (a
///   checkpoint restore: the same machine plus `-incoming defer`), keeping the session folder.
public enum Supervisor {
  public static let keepWord = "keep"
  /// The signal that asks for a restart (``CheckpointRestorer``).
  public static let restartSignal = SIGUSR1

  public static func run(session: SessionDirectory) throws -> Never {
    signal(SIGPIPE, SIG_IGN)
    var handled = sigset_t()
    sigemptyset(&handled)
    for signal in [SIGTERM, SIGINT, SIGHUP, restartSignal] { sigaddset(&handled, signal) }
    pthread_sigmask(SIG_BLOCK, &handled, nil)

    let argv = try JSONDecoder().decode([String].self, from: Data(contentsOf: session.argvFile))
    session.enter()  // the warm pool may move the folder; the working directory follows it
    guard let qemu = argv.first, let setpriv = Command.which("setpriv")?.path else {
      throw SupervisorError.cannotStart("setpriv (util-linux) or the QEMU command line is missing")
    }
    let launch = { (argv: [String]) throws -> pid_t in
      let executable = Command.which(argv.first ?? qemu)?.path ?? qemu
      return try spawnQEMU([setpriv, "--pdeathsig", "KILL", "--", executable] + argv.dropFirst(), session: session)
    }
    let state = SupervisorState(qemu: try launch(argv))
    Thread.detachNewThread { watchBootGuard(qemu: state.qemu, state: state) }
    let waited = handled
    Thread.detachNewThread { handleSignals(waited, state: state) }
    var exit = (try? Spawn.wait(state.qemu)) ?? .exited(-1)
    while state.takeRestart() {
      let folder = session.followingMoves()
      let next = (try? JSONDecoder().decode([String].self, from: Data(contentsOf: folder.restartArgvFile))) ?? argv
      try? FileManager.default.removeItem(at: folder.restartArgvFile)
      guard let pid = try? launch(next) else { break }
      state.qemu = pid
      exit = (try? Spawn.wait(pid)) ?? .exited(-1)
    }
    let folder = session.followingMoves()
    if state.shouldRemove {
      folder.remove()
    } else {
      try? "QEMU \(exit)\n".write(to: folder.exitFile, atomically: true, encoding: .utf8)
    }
    Foundation.exit(0)
  }

  /// Starts QEMU with its output to `qemu.log` (appended: a restart keeps the first QEMU's words) and records its pid.
  static func spawnQEMU(_ argv: [String], session: SessionDirectory) throws -> pid_t {
    let folder = session.followingMoves()
    let log = try syscall("open", folder.qemuOutput.path) {
      open(folder.qemuOutput.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    }
    defer { close(log) }
    let pid = try Spawn.run(argv, standard: .init(output: log, error: log))
    if var record = try? folder.readRecord() {
      record.qemuPID = pid
      try? folder.write(record)
    }
    return pid
  }

  /// SIGUSR1: kill QEMU (its state is being replaced) and start it again; any other: stop QEMU and the session.
  static func handleSignals(_ handled: sigset_t, state: SupervisorState) {
    var set = handled
    while true {
      var received: Int32 = 0
      sigwait(&set, &received)
      if received == restartSignal, !state.shouldRemove {
        state.restartRequested()
        kill(state.qemu, SIGKILL)
        continue
      }
      state.stopRequested()
      stop(state.qemu)
      return
    }
  }

  /// Reads standard input until `keep`; end-of-file first means `qlearn start` died during boot.
  static func watchBootGuard(qemu: pid_t, state: SupervisorState) {
    var received = ""
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let count = (try? syscall("read", "boot guard") { read(0, &buffer, buffer.count) }) ?? 0
      if count <= 0 { break }
      received += String(decoding: buffer[0..<count], as: UTF8.self)
      if received.contains(keepWord) { return }
    }
    state.stopRequested()
    stop(qemu)
  }

  /// SIGTERM lets QEMU close its files; SIGKILL follows if it has not gone in 3 seconds.
  static func stop(_ pid: pid_t) {
    kill(pid, SIGTERM)
    for _ in 0..<30 {
      usleep(100_000)
      if !Spawn.isAlive(pid) { return }
    }
    kill(pid, SIGKILL)
  }
}

/// Whether the supervisor was told to stop (then the session folder goes away), to restart QEMU, or QEMU ended by
/// itself; and which QEMU is the current one.
final class SupervisorState: @unchecked Sendable {
  private let lock = NSLock()
  private var removing = false
  private var restarting = false
  private var pid: pid_t

  init(qemu: pid_t) { pid = qemu }

  var qemu: pid_t {
    get { lock.withLock { pid } }
    set { lock.withLock { pid = newValue } }
  }

  func stopRequested() { lock.withLock { removing = true } }
  var shouldRemove: Bool { lock.withLock { removing } }
  func restartRequested() { lock.withLock { restarting = true } }
  /// Whether a restart was asked for (and not a stop since); clears the request.
  func takeRestart() -> Bool {
    lock.withLock {
      defer { restarting = false }
      return restarting && !removing
    }
  }
}

public enum SupervisorError: Error, LocalizedError {
  case cannotStart(String)
  public var errorDescription: String? {
    switch self {
    case .cannotStart(let why): "The session supervisor cannot start QEMU: \(why)."
    }
  }
}
