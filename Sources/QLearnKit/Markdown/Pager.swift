import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Shows long text a screen at a time, the way `git` and `man` do.
public enum Pager {
  /// The pager used when `$PAGER` is unset: `-R` passes qlearn's colours, `-F` quits at once when the text fits after
  /// all, `-X` leaves the text on screen after quitting so the learner can still read it while typing, `-K` quits on
  /// Ctrl-C as `q` does.
  public static let defaultCommand = "less -R -F -X -K"

  /// What ``present(_:style:fileDescriptor:environment:)`` did, for the caller's logs and for tests.
  enum Outcome: Equatable {
    /// Written straight to the output: not a terminal, short enough, or paging disabled by an empty `$PAGER`.
    case direct
    /// Shown through the pager.
    case paged
    /// The pager could not start (spawn failed, or the shell exited 126/127: not executable, not found); the text was
    /// written straight to the output instead.
    case pagerFailed
  }

  /// Writes text to stdout; when stdout is a TTY and the text is taller than the terminal, pipes it through $PAGER
  /// (default `less -R -F -X -K`), falling back to plain output if the pager cannot start. An empty `$PAGER` means "no
  /// pager", as for git. The text is written as given: render it with the same `style` first.
  public static func present(_ text: String, style: TerminalStyle) throws {
    _ = try present(text, style: style, fileDescriptor: 1, environment: ProcessInfo.processInfo.environment)
  }

  static func present(
    _ text: String, style: TerminalStyle, fileDescriptor: Int32, environment: [String: String]
  ) throws -> Outcome {
    guard Terminal.isTerminal(fileDescriptor), let size = Terminal.size(of: fileDescriptor),
      lineCount(text) > size.rows
    else {
      try writeAll(text, to: fileDescriptor)
      return .direct
    }
    let command = environment["PAGER"] ?? defaultCommand
    guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
      try writeAll(text, to: fileDescriptor)
      return .direct
    }
    if try runPager(command, text: text, fileDescriptor: fileDescriptor, environment: environment) {
      return .paged
    }
    try writeAll(text, to: fileDescriptor)
    return .pagerFailed
  }

  /// Runs `command` through `/bin/sh -c` (so `$PAGER` may carry options and quoting, as everywhere else) with `text` on
  /// its stdin and `fileDescriptor` as its stdout. False if the pager never ran.
  ///
  /// The pager must stay in qlearn's process group: that is the terminal's foreground group, the one allowed to read
  /// the keyboard. Foundation's `Process` puts its child in a group of its own, where `less` is stopped by `SIGTTIN`
  /// at its first read of the terminal and the learner is left before a blank screen that Ctrl-C cannot end.
  private static func runPager(
    _ command: String, text: String, fileDescriptor: Int32, environment: [String: String]
  ) throws -> Bool {
    var childEnvironment = environment
    // As git does, and with K: a bare `PAGER=less` still passes colours, quits on short text, and quits on Ctrl-C.
    if childEnvironment["LESS"] == nil { childEnvironment["LESS"] = "FRXK" }
    let (readEnd, writeEnd) = try Spawn.pipe("pager input")
    let pid: pid_t
    do {
      pid = try Spawn.run(
        ["/bin/sh", "-c", command], standard: .init(input: readEnd, output: fileDescriptor, error: 2),
        environment: childEnvironment)
    } catch {
      try? closeOnce(readEnd, "pager input")
      try? closeOnce(writeEnd, "pager input")
      return false
    }
    try? closeOnce(readEnd, "pager input")  // the child has its copy

    // A learner who quits the pager early closes its stdin: that must end the write with EPIPE, not kill qlearn with
    // SIGPIPE. And Ctrl-C belongs to the pager while it runs: qlearn must not die underneath it and hand the terminal
    // back to the shell while the pager still reads it.
    let previousPipe = signal(SIGPIPE, SIG_IGN)
    let previousInterrupt = signal(SIGINT, SIG_IGN)
    defer {
      signal(SIGPIPE, previousPipe)
      signal(SIGINT, previousInterrupt)
    }
    do {
      try writeAll(text, to: writeEnd)
    } catch let error as SystemError where error.errno == EPIPE {
      // The pager quit (or never read); its exit status below tells which.
    }
    try? closeOnce(writeEnd, "pager input")  // the pager sees end-of-file either way
    if case .exited(let status) = try Spawn.wait(pid), status == 126 || status == 127 { return false }
    return true
  }

  private static func lineCount(_ text: String) -> Int {
    var count = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    if let last = text.utf8.last, last != UInt8(ascii: "\n") { count += 1 }
    return count
  }

  /// write(2) until every byte is out: a pipe or a tty may take less than asked.
  static func writeAll(_ text: String, to fileDescriptor: Int32) throws {
    try FileDescriptorIO.writeAll(text.utf8, to: fileDescriptor, subject: "fd \(fileDescriptor)")
  }
}
