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
/// - when QEMU ends by itself, writes how into the session folder for `qlearn status` and the next command to report.
public enum Supervisor {
  public static let keepWord = "keep"

  public static func run(session: SessionDirectory) throws -> Never {
    signal(SIGPIPE, SIG_IGN)
    var handled = sigset_t()
    sigemptyset(&handled)
    for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&handled, signal) }
    pthread_sigmask(SIG_BLOCK, &handled, nil)

    let argv = try JSONDecoder().decode([String].self, from: Data(contentsOf: session.argvFile))
    session.enter()  // the warm pool may move the folder; the working directory follows it
    guard !argv.isEmpty else { throw SupervisorError.cannotStart("the QEMU command line is empty") }
    let log = try syscall("open", session.qemuOutput.path) {
      open(session.qemuOutput.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    }
    let pid = try Spawn.qemu(argv, standard: .init(output: log, error: log))
    try? closeOnce(log, session.qemuOutput.path)  // QEMU has its own copy
    if var record = try? session.readRecord() {
      record.qemuPID = pid
      try? session.write(record)
    }

    let state = SupervisorState()
    Thread.detachNewThread { watchBootGuard(qemu: pid, state: state) }
    let waited = handled
    Thread.detachNewThread {
      var set = waited
      var received: Int32 = 0
      sigwait(&set, &received)
      state.stopRequested()
      stop(pid)
    }
    let exit = (try? Spawn.wait(pid)) ?? .exited(-1)
    let folder = session.followingMoves()
    if state.shouldRemove {
      folder.remove()
    } else {
      try? "QEMU \(exit)\n".write(to: folder.exitFile, atomically: true, encoding: .utf8)
    }
    Foundation.exit(0)
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

/// Whether the supervisor was told to stop (then the session folder goes away) or QEMU ended by itself.
final class SupervisorState: Sendable {
  private let removing = Mutex(false)

  func stopRequested() { removing.withLock { $0 = true } }
  var shouldRemove: Bool { removing.withLock { $0 } }
}

public enum SupervisorError: Error, LocalizedError {
  case cannotStart(String)
  public var errorDescription: String? {
    switch self {
    case .cannotStart(let why): "The session supervisor cannot start QEMU: \(why)."
    }
  }
}
