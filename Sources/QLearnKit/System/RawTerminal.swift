import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Puts a terminal in raw mode for the guest console and puts it back, whatever happens.
///
/// In raw mode the learner's keys (Ctrl-C, Ctrl-Z, arrows) go to the guest's shell instead of to qlearn, and the guest's
/// own tty does the echoing. A terminal left raw is unusable (no echo, no line editing), so the original settings are
/// restored when the body returns or throws, and also when qlearn is killed by SIGTERM, SIGHUP, SIGINT or SIGQUIT sent
/// from outside: a handler restores the settings and then passes the signal on to whatever handled it before.
public enum RawTerminal {
  /// Runs `body` with `fileDescriptor` in raw mode. When the descriptor is not a terminal (a pipe, a test's socket)
  /// nothing is changed and `body` simply runs.
  public static func withRawMode<T>(fileDescriptor fd: Int32 = STDIN_FILENO, _ body: () throws -> T) throws -> T {
    guard isatty(fd) == 1 else { return try body() }
    var original = termios()
    try syscall("tcgetattr", "fd \(fd)") { tcgetattr(fd, &original) }
    var raw = original
    cfmakeraw(&raw)
    // cfmakeraw already sets VMIN 1 / VTIME 0 on glibc; say so for other libcs.
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    RawTerminalSignals.install(fd: fd, original: original)
    defer {
      var restored = original
      _ = try? syscall("tcsetattr", "fd \(fd)") { tcsetattr(fd, TCSANOW, &restored) }
      RawTerminalSignals.uninstall()
    }
    try syscall("tcsetattr", "fd \(fd)") { tcsetattr(fd, TCSANOW, &raw) }
    return try body()
  }
}

/// The signal side of ``RawTerminal``: globals, because a signal handler cannot capture context.
///
/// Only one terminal is raw at a time (the console), so one set of saved settings suffices. The handler uses only
/// async-signal-safe calls (`tcsetattr`, `sigaction`, `raise`).
enum RawTerminalSignals {
  static let signals: [Int32] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT]

  nonisolated(unsafe) static var fd: Int32 = -1
  nonisolated(unsafe) static var original = termios()
  nonisolated(unsafe) static var previous: [sigaction] = []

  static func install(fd: Int32, original: termios) {
    self.fd = fd
    self.original = original
    previous = signals.map { signal in
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { number in RawTerminalSignals.handle(number) }
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0
      var old = sigaction()
      sigaction(signal, &action, &old)
      return old
    }
  }

  static func uninstall() {
    for (signal, old) in zip(signals, previous) {
      var action = old
      sigaction(signal, &action, nil)
    }
    previous = []
    fd = -1
  }

  static func handle(_ number: Int32) {
    if fd >= 0 { tcsetattr(fd, TCSANOW, &original) }
    guard let index = signals.firstIndex(of: number), index < previous.count else { return }
    var old = previous[index]
    // Hand the signal to whoever had it before: a handler function runs now; the default action (termination)
    // is reinstated and the signal raised again so the exit status still says "killed by signal".
    if old.sa_flags & SA_SIGINFO != 0, let action = old.__sigaction_handler.sa_sigaction {
      action(number, nil, nil)
      return
    }
    let handler = old.__sigaction_handler.sa_handler
    let raw = unsafeBitCast(handler, to: Int.self)
    if raw == unsafeBitCast(SIG_IGN, to: Int.self) { return }
    if raw == unsafeBitCast(SIG_DFL, to: Int.self) || handler == nil {
      sigaction(number, &old, nil)
      raise(number)
      return
    }
    handler?(number)
  }
}
