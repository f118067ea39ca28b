import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The process that owns a session's QEMU (`qlearn _supervise <session folder>`).
///
/// `qlearn start` may be killed at any moment, and a learner may detach and come back later, so QEMU cannot be
/// `qlearn start`'s own child. The supervisor runs in its own session and:
/// - starts QEMU through ``Spawn/qemu(_:standard:)`` (under `setpriv --pdeathsig KILL`), so QEMU dies with it;
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
    guard !argv.isEmpty else { throw SupervisorError.cannotStart("the QEMU command line is empty") }
    let state = SupervisorState(qemu: try spawnQEMU(argv, session: session))
    Thread.detachNewThread { watchBootGuard(qemu: state.qemu, state: state) }
    let waited = handled
    Thread.detachNewThread { handleSignals(waited, state: state) }
    var exit = (try? Spawn.wait(state.qemu)) ?? .exited(-1)
    while state.takeRestart() {
      let folder = session.followingMoves()
      let next = (try? JSONDecoder().decode([String].self, from: Data(contentsOf: folder.restartArgvFile))) ?? argv
      try? FileManager.default.removeItem(at: folder.restartArgvFile)
      guard let pid = try? spawnQEMU(next, session: session) else { break }
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
    let pid: pid_t
    do {
      pid = try Spawn.qemu(argv, standard: .init(output: log, error: log))
    } catch {
      try? closeOnce(log, folder.qemuOutput.path)
      throw error
    }
    try? closeOnce(log, folder.qemuOutput.path)  // QEMU has its own copy
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
        try? Spawn.signal(state.qemu, SIGKILL)  // its state is being replaced; gone already is as good
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
    // Failure means QEMU has gone already, which is what stopping wants.
    try? Spawn.signal(pid, SIGTERM)
    for _ in 0..<30 {
      Thread.sleep(forTimeInterval: 0.1)  // a plain thread of the supervisor's own, not the cooperative pool
      if !Spawn.isAlive(pid) { return }
    }
    try? Spawn.signal(pid, SIGKILL)
  }
}

/// Whether the supervisor was told to stop (then the session folder goes away), to restart QEMU, or QEMU ended by
/// itself; and which QEMU is the current one.
final class SupervisorState: Sendable {
  private struct Flags {
    var removing = false
    var restarting = false
    var qemu: pid_t
  }
  private let flags: Mutex<Flags>

  init(qemu: pid_t) { flags = Mutex(Flags(qemu: qemu)) }

  var qemu: pid_t {
    get { flags.withLock { $0.qemu } }
    set { flags.withLock { $0.qemu = newValue } }
  }

  func stopRequested() { flags.withLock { $0.removing = true } }
  var shouldRemove: Bool { flags.withLock { $0.removing } }
  func restartRequested() { flags.withLock { $0.restarting = true } }
  /// Whether a restart was asked for (and not a stop since); clears the request.
  func takeRestart() -> Bool {
    flags.withLock { flags in
      defer { flags.restarting = false }
      return flags.restarting && !flags.removing
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
