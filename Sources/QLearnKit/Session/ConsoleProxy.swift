import Foundation

/// Why the console proxy returned; the caller acts on it and usually attaches again.
public enum ConsoleAction: Sendable, Equatable {
  /// `Ctrl-]` `d`: the learner left; the VM keeps running.
  case detached
  /// `Ctrl-]` `m`: open the QEMU monitor, then come back.
  case monitor
  /// `Ctrl-]` `c`: run the lesson's check, then come back.
  case check
  /// The console socket closed: QEMU exited (guest poweroff, panic with `-no-reboot`, or killed).
  case guestClosed
  /// The learner's input reached end of file (stdin was a pipe or the terminal went away).
  case inputClosed
}

/// Connects the learner's terminal to the guest's serial console socket until an escape command or a hang-up.
///
/// Bytes from the guest are written to `output` exactly as they come: it is the learner's own shell, colours and all.
/// Bytes from `input` pass through ``ConsoleEscapeDecoder``. When `input` is a terminal it is put in raw mode for the
/// duration (see ``RawTerminal``); the descriptors are parameters so tests can drive the proxy through socket pairs.
public struct ConsoleProxy: Sendable {
  public let socket: UnixSocket
  public let input: Int32
  public let output: Int32
  /// How long a write to the guest may wait for QEMU to take it before giving up.
  public var writeTimeout: Duration = .seconds(10)
  /// qlearn's own lines for the screen, each printed on a line of its own (see ``ConsoleNotices``).
  public var notices: ConsoleNotices?

  public init(
    socket: UnixSocket, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, notices: ConsoleNotices? = nil
  ) {
    self.socket = socket
    self.input = input
    self.output = output
    self.notices = notices
  }

  /// The longest unfinished guest line kept for redrawing after a notice.
  static let partialLineLimit = 2048

  /// Runs the proxy on the calling thread until it ends; blocks. Use ``attach()`` from async code.
  ///
  /// Keys typed in the same read after an ending command (`d`, `m`, `c`) are dropped: they were typed for the guest
  /// after the learner had asked to leave it.
  public func run() throws -> ConsoleAction {
    try RawTerminal.withRawMode(fileDescriptor: input) { try copyLoop() }
  }

  /// Runs the proxy on a thread of its own, leaving Swift's cooperative threads free.
  public func attach() async throws -> ConsoleAction {
    let proxy = self
    return try await Blocking.run { try proxy.run() }
  }

  private func copyLoop() throws -> ConsoleAction {
    var decoder = ConsoleEscapeDecoder()
    var buffer = [UInt8](repeating: 0, count: 4096)
    var partialLine: [UInt8] = []
    while true {
      var fds = [
        pollfd(fd: input, events: Int16(POLLIN), revents: 0),
        pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0),
        pollfd(fd: notices?.wakeRead ?? -1, events: Int16(POLLIN), revents: 0),
      ]
      try syscall("poll", "console \(socket.path)") { poll(&fds, 3, -1) }
      // Guest output first, so a prompt printed just before a hang-up still reaches the learner.
      if fds[1].revents != 0 {
        guard let bytes = try socket.readAvailable() else { continue }
        if bytes.isEmpty { return .guestClosed }
        try writeOutput(bytes)
        if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
          partialLine = Array(bytes[(newline + 1)...])
        } else {
          partialLine += bytes
        }
        if partialLine.count > Self.partialLineLimit { partialLine.removeFirst(partialLine.count - Self.partialLineLimit) }
      }
      if fds[2].revents != 0, let notices {
        for notice in notices.take() {
          try writeOutput(ConsoleNotices.rendering(notice, partialLine: partialLine))
        }
      }
      if fds[0].revents != 0 {
        let count = try syscall("read", "console input") {
          buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        }
        if count == 0 { return .inputClosed }
        for step in decoder.feed(buffer[..<count]) {
          switch step {
          case .forward(let bytes):
            try socket.writeAll(bytes, until: .now + writeTimeout)
          case .command(.help):
            try writeOutput(Array(ConsoleEscapeDecoder.helpText.utf8))
          case .command(.detach): return .detached
          case .command(.monitor): return .monitor
          case .command(.check): return .check
          }
        }
      }
    }
  }

  private func writeOutput(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let written = try syscall("write", "console output") {
        bytes.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
      }
      offset += written
    }
  }
}
