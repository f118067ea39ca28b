import Foundation

/// A client for qemu-ga, the QEMU guest agent, reached through the unix socket of the chardev QEMU connects it to.
///
/// The agent's stream can hold stale data: replies to requests that timed out, or half a request from an earlier
/// client. So, as the qemu-ga protocol prescribes, the client resynchronises with `guest-sync-delimited` (a `0xFF` byte
/// to flush the agent's parser, then a fresh integer the agent echoes after a `0xFF` sentinel) on connect and after any
/// timeout, and every request carries an `id` so a late reply is never taken for the current one.
public final class GuestAgentClient: Sendable {
  public let path: String
  let connection: SessionChannelQueue<Connection>

  private init(path: String, socket: UnixSocket) {
    self.path = path
    self.connection = SessionChannelQueue(
      label: "qlearn.guest-agent", state: Connection(channel: JSONLineChannel(socket: socket)))
  }

  deinit { connection.performSync { $0.channel.socket.close() } }

  /// Connects to the agent's socket and waits, up to `timeout` in all, until the agent answers a resynchronisation.
  ///
  /// In a VM the socket exists as soon as QEMU runs, but the agent answers only once the guest has booted and started
  /// qemu-ga, so `timeout` should cover a boot.
  public static func connect(path: String, timeout: Duration = .seconds(30)) async throws -> GuestAgentClient {
    let deadline = ContinuousClock.now + timeout
    let socket = try await Blocking.run {
      do {
        return try UnixSocket.connect(path: path, timeout: timeout)
      } catch {
        throw GuestAgentError.connectFailed(path: path, reason: error.localizedDescription)
      }
    }
    let client = GuestAgentClient(path: path, socket: socket)
    try await client.waitUntilReady(until: deadline, reportedTimeout: timeout)
    return client
  }

  /// Resynchronises repeatedly until the agent answers, for after a boot, a reboot or a resume.
  ///
  /// Throws ``GuestAgentError/notReady(timeout:)`` when it never does, ``GuestAgentError/agentClosed(path:)`` when QEMU exits.
  public func waitUntilReady(timeout: Duration) async throws {
    try await waitUntilReady(until: ContinuousClock.now + timeout, reportedTimeout: timeout)
  }

  private func waitUntilReady(until deadline: ContinuousClock.Instant, reportedTimeout timeout: Duration) async throws {
    var attempt = Duration.milliseconds(250)
    while true {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { throw GuestAgentError.notReady(timeout: timeout) }
      let attemptDeadline = ContinuousClock.now + min(attempt, remaining)
      let path = self.path
      let attemptTimeout = attempt
      do {
        try await connection.perform { try $0.resync(until: attemptDeadline, timeout: attemptTimeout, path: path) }
        return
      } catch GuestAgentError.agentUnresponsive {
        attempt = min(attempt * 2, .seconds(2))
      }
    }
  }

  /// Resynchronises now, e.g. after something else wrote to the agent's socket.
  public func resync(timeout: Duration = .seconds(3)) async throws {
    let deadline = ContinuousClock.now + timeout
    let path = self.path
    try await connection.perform { try $0.resync(until: deadline, timeout: timeout, path: path) }
  }

  /// Runs an agent command and returns its `return` member.
  @discardableResult
  public func execute(_ command: String, arguments: [String: JSONValue]? = nil, timeout: Duration = .seconds(3))
    async throws -> JSONValue
  {
    let deadline = ContinuousClock.now + timeout
    let path = self.path
    return try await connection.perform {
      try $0.execute(command, arguments: arguments, until: deadline, timeout: timeout, path: path)
    }
  }

  /// `guest-ping`: succeeds when the agent answers.
  public func ping(timeout: Duration = .seconds(3)) async throws {
    try await execute("guest-ping", timeout: timeout)
  }

  /// Runs `path` with `args` in the guest and waits for it, capturing its output.
  ///
  /// `guest-exec` only starts the program, so this polls `guest-exec-status`, first after about 1 ms (most check
  /// commands finish at once), backing off to 8 ms for the first half second (a check's command finishes within it, and
  /// a poll costs the agent only a round trip) and to 50 ms after that (a solution's `dd` may run for seconds). A program still running at `timeout` raises
  /// ``GuestAgentError/execTimedOut(path:pid:timeout:)``; qemu-ga cannot kill it.
  public func exec(
    path program: String, args: [String] = [], input: Data? = nil, environment: [String]? = nil,
    timeout: Duration = .seconds(10)
  ) async throws -> GuestExecResult {
    let deadline = ContinuousClock.now + timeout
    var arguments: [String: JSONValue] = [
      "path": .string(program), "arg": .array(args.map { .string($0) }), "capture-output": true,
    ]
    if let input { arguments["input-data"] = .string(input.base64EncodedString()) }
    if let environment { arguments["env"] = .array(environment.map { .string($0) }) }
    let started = try await execute("guest-exec", arguments: arguments, timeout: timeout)
    guard let pid = started["pid"]?.int else {
      throw GuestAgentError.protocolError("guest-exec returned no pid: \(started.compactString)")
    }
    var pause = Duration.milliseconds(1)
    let patient = ContinuousClock.now + .milliseconds(500)
    while true {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { throw GuestAgentError.execTimedOut(path: program, pid: pid, timeout: timeout) }
      let status = try await execute("guest-exec-status", arguments: ["pid": .number(Double(pid))], timeout: remaining)
      if status["exited"]?.bool == true { return try GuestExecResult(status: status) }
      try await Task.sleep(for: min(pause, max(.zero, deadline - ContinuousClock.now)))
      pause = min(pause * 2, ContinuousClock.now < patient ? .milliseconds(8) : .milliseconds(50))
    }
  }

  /// Runs a shell command line in the guest with `/bin/sh -c`.
  public func shell(_ commandLine: String, timeout: Duration = .seconds(10)) async throws -> GuestExecResult {
    try await exec(path: "/bin/sh", args: ["-c", commandLine], timeout: timeout)
  }

  /// Reads up to `maxBytes` of a file in the guest through guest-file-open/read/close.
  public func readFile(path file: String, maxBytes: Int = 1 << 20, timeout: Duration = .seconds(5)) async throws -> Data {
    let deadline = ContinuousClock.now + timeout
    let path = self.path
    return try await connection.perform { state in
      let opened = try state.execute(
        "guest-file-open", arguments: ["path": .string(file), "mode": "r"], until: deadline, timeout: timeout,
        path: path)
      guard let handle = opened.int else {
        throw GuestAgentError.protocolError("guest-file-open returned \(opened.compactString)")
      }
      var contents = Data()
      var failure: (any Error)?
      do {
        while contents.count < maxBytes {
          let chunk = try state.execute(
            "guest-file-read",
            arguments: ["handle": .number(Double(handle)), "count": .number(Double(min(maxBytes - contents.count, 1 << 20)))],
            until: deadline, timeout: timeout, path: path)
          guard let text = chunk["buf-b64"]?.string, let bytes = Data(base64Encoded: text) else {
            throw GuestAgentError.protocolError("guest-file-read returned \(chunk.compactString.prefix(200))")
          }
          contents.append(bytes)
          if chunk["eof"]?.bool == true || bytes.isEmpty { break }
        }
      } catch {
        failure = error
      }
      // Close even after a failed read so the agent does not leak the handle; a close that fails after a failed read
      // is not the news.
      do {
        try state.execute(
          "guest-file-close", arguments: ["handle": .number(Double(handle))], until: deadline, timeout: timeout,
          path: path)
      } catch {
        if failure == nil { failure = error }
      }
      if let failure { throw failure }
      return contents.count > maxBytes ? contents.prefix(maxBytes) : contents
    }
  }

  /// Closes the socket; later calls throw.
  public func close() {
    connection.performSync { $0.channel.socket.close() }
  }
}

extension GuestAgentClient {
  /// The connection's mutable state, only touched on the client's queue.
  struct Connection {
    var channel: JSONLineChannel
    var nextID = 1
    var needsResync = true

    init(channel: JSONLineChannel) { self.channel = channel }

    @discardableResult
    mutating func execute(
      _ command: String, arguments: [String: JSONValue]?, until deadline: ContinuousClock.Instant, timeout: Duration,
      path: String
    ) throws -> JSONValue {
      if needsResync { try resync(until: deadline, timeout: timeout, path: path) }
      let id = "qlearn-\(nextID)"
      nextID += 1
      var request: [String: JSONValue] = ["execute": .string(command), "id": .string(id)]
      if let arguments { request["arguments"] = .object(arguments) }
      try send(JSONValue.object(request).compactString, prefix: [], until: deadline, waitingFor: command, timeout: timeout, path: path)
      while true {
        let line = try readLine(until: deadline, waitingFor: command, timeout: timeout, path: path)
        // Replies to earlier, timed-out requests (or to garbage) carry another id or none: skip them.
        guard let message = try? JSONValue.parse(Self.afterSentinel(line)), message["id"]?.string == id else { continue }
        if let error = message["error"] {
          throw GuestAgentError.guestCommandFailed(
            command: command, class: error["class"]?.string ?? "GenericError",
            desc: error["desc"]?.string ?? error.compactString)
        }
        return message["return"] ?? .null
      }
    }

    /// `0xFF` + `guest-sync-delimited` with a fresh id, then skip everything until the reply echoing that id.
    mutating func resync(until deadline: ContinuousClock.Instant, timeout: Duration, path: String) throws {
      needsResync = true
      channel.buffer.removeAll()
      let syncID = Int.random(in: 1..<(1 << 31))
      let request = JSONValue.object([
        "execute": "guest-sync-delimited", "arguments": .object(["id": .number(Double(syncID))]),
      ])
      try send(request.compactString, prefix: [0xFF], until: deadline, waitingFor: "guest-sync-delimited", timeout: timeout, path: path)
      while true {
        let line = try readLine(until: deadline, waitingFor: "guest-sync-delimited", timeout: timeout, path: path)
        // Only a line carrying the sentinel can be the reply; whatever precedes the sentinel is stale.
        guard line.contains(0xFF), let message = try? JSONValue.parse(Self.afterSentinel(line)),
          message["return"]?.int == syncID
        else { continue }
        needsResync = false
        return
      }
    }

    static func afterSentinel(_ line: [UInt8]) -> ArraySlice<UInt8> {
      guard let sentinel = line.lastIndex(of: 0xFF) else { return line[...] }
      return line[(sentinel + 1)...]
    }

    private mutating func send(
      _ text: String, prefix: [UInt8], until deadline: ContinuousClock.Instant, waitingFor command: String,
      timeout: Duration, path: String
    ) throws {
      do {
        try channel.sendRaw(prefix + Array((text + "\n").utf8), until: deadline)
      } catch {
        throw translate(error, command: command, timeout: timeout, path: path)
      }
    }

    private mutating func readLine(
      until deadline: ContinuousClock.Instant, waitingFor command: String, timeout: Duration, path: String
    ) throws -> [UInt8] {
      do {
        return try channel.readLine(until: deadline)
      } catch {
        throw translate(error, command: command, timeout: timeout, path: path)
      }
    }

    private mutating func translate(_ error: UnixSocketError, command: String, timeout: Duration, path: String)
      -> GuestAgentError
    {
      switch error {
      case .timedOut:
        needsResync = true
        return .agentUnresponsive(command: command, timeout: timeout)
      case .closedByPeer:
        return .agentClosed(path: path)
      case .system(_, let cause) where [EBADF, ECONNRESET, EPIPE].contains(cause.errno):
        return .agentClosed(path: path)
      default:
        return .protocolError(error.errorDescription ?? "\(error)")
      }
    }
  }
}
