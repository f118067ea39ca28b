import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Starts programs with `posix_spawn`, for the few processes qlearn must control closely (the session supervisor and
/// QEMU): file descriptors are set explicitly, signal dispositions are reset, and the child may get its own session so
/// that a learner's Ctrl-C in the terminal does not reach it.
public enum Spawn {
  /// glibc's `POSIX_SPAWN_SETSID` (not exported to Swift by every Glibc module map).
  static let setSessionFlag: Int32 = 0x80

  public struct Standard: Sendable {
    public var input: Int32?
    public var output: Int32?
    public var error: Int32?
    public init(input: Int32? = nil, output: Int32? = nil, error: Int32? = nil) {
      self.input = input
      self.output = output
      self.error = error
    }
  }

  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time since Swift's Glibc module does
  /// not export it.
  private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
  private static let addCloseFrom: AddCloseFrom? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return nil }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
  }()

  /// Spawns `argv[0]` (an absolute path) with `argv`, returning its pid. Descriptors not named in `standard` become
  /// `/dev/null`, and every descriptor above 2 is closed in the child: a long-lived child (the supervisor, QEMU) must
  /// not keep a pipe or socket of whoever started qlearn open, or that caller never sees end-of-file.
  ///
  /// Without `newSession` the child stays in qlearn's own process group, so on a terminal it is in the foreground as
  /// qlearn is: it may read the terminal (a pager does) without being stopped by `SIGTTIN`, and it gets the terminal's
  /// Ctrl-C. `environment` replaces qlearn's own when given.
  public static func run(
    _ argv: [String], standard: Standard = .init(), newSession: Bool = false, environment: [String: String]? = nil
  ) throws(SystemError) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (target, source) in [(Int32(0), standard.input), (1, standard.output), (2, standard.error)] {
      if let source {
        posix_spawn_file_actions_adddup2(&actions, source, target)
      } else {
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
      }
    }
    if let addCloseFrom { _ = addCloseFrom(&actions, 3) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigfillset(&defaults)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
    if newSession { flags |= setSessionFlag }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    var cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var cEnvironment = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { cEnvironment?.forEach { free($0) } }
    var pid: pid_t = 0
    let result =
      if cEnvironment != nil {
        posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, &cEnvironment!)
      } else {
        posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
      }
    guard result == 0 else { throw SystemError(call: "posix_spawn", subject: argv[0], errno: result) }
    return pid
  }

  /// How a child ended.
  public enum Exit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var description: String {
      switch self {
      case .exited(let code): "exited with status \(code)"
      case .signalled(let signal):
        "was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
      }
    }
  }

  /// Waits for a child of this process, retrying EINTR.
  public static func wait(_ pid: pid_t) throws(SystemError) -> Exit {
    var status: Int32 = 0
    try syscall("waitpid", String(pid)) { waitpid(pid, &status, 0) }
    return decode(status)
  }

  /// The child's exit if it has ended, nil if it still runs.
  public static func poll(_ pid: pid_t) throws(SystemError) -> Exit? {
    var status: Int32 = 0
    let result = try syscall("waitpid", String(pid)) { waitpid(pid, &status, WNOHANG) }
    return result == 0 ? nil : decode(status)
  }

  static func decode(_ status: Int32) -> Exit {
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which are macros C exports and Swift does not.
    let signal = status & 0x7f
    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }

  /// Whether a process with this pid exists (it may belong to another user; then it exists too).
  public static func isAlive(_ pid: pid_t) -> Bool {
    // Raw: a probe whose failure is the answer (ESRCH: gone), not an error to report.
    pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
  }

  /// Sends `signal` to `pid`; throws (ESRCH when it has gone, EPERM when it is not ours) naming the pid.
  public static func signal(_ pid: pid_t, _ signal: Int32) throws(SystemError) {
    try syscall("kill", "pid \(pid), signal \(signal)") { kill(pid, signal) }
  }

  /// A pipe whose ends are closed on exec, so no other child inherits them; `subject` names it in errors. (Swift's
  /// Glibc module does not export `pipe2`; a child spawned by another thread in between is covered by ``run(_:standard:newSession:environment:)``
  /// closing every descriptor above 2.)
  public static func pipe(_ subject: String) throws(SystemError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    try syscall("pipe", subject) { Glibc.pipe(&fds) }
    for fd in fds { try syscall("fcntl", subject) { fcntl(fd, F_SETFD, FD_CLOEXEC) } }
    return (fds[0], fds[1])
  }
}

extension Spawn {
  /// Starts QEMU, `argv[0]` being its binary (a name looked up in `PATH`, or a path): the one way qlearn runs QEMU, for
  /// the session supervisor, lpj calibration and the boot tests alike.
  ///
  /// QEMU runs under `setpriv --pdeathsig KILL`, so the kernel kills it when the thread that spawned it ends, whatever
  /// ends it: a caller keeps that thread alive exactly as long as QEMU should run (the supervisor's main thread,
  /// ``QEMUConsole``'s reader thread).
  public static func qemu(_ argv: [String], standard: Standard) throws -> pid_t {
    guard let setpriv = Command.which("setpriv") else { throw CommandError.notFound(program: "setpriv") }
    guard let name = argv.first else { throw CommandError.launchFailed(command: "", reason: "an empty QEMU command line") }
    guard let binary = Command.which(name) else { throw CommandError.notFound(program: name) }
    return try run([setpriv.path, "--pdeathsig", "KILL", "--", binary.path] + argv.dropFirst(), standard: standard)
  }
}
