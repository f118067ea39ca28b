import Foundation

/// A client for QEMU's QMP monitor on a unix socket that qlearn chose (`-qmp unix:PATH,server=on,wait=off`).
///
/// Every call has a timeout, and a QEMU that exits surfaces as ``QMPError/vmGone(path:)`` rather than a hang. Each
/// command carries its own `id`, so a late reply to a command that timed out is recognised and dropped instead of being
/// taken for the answer to the next one. Events that arrive between replies are kept (up to ``eventBufferLimit``) for
/// ``events()`` and ``waitForEvent(named:timeout:)``.
public final class QMPClient: Sendable {
  /// The QMP socket path.
  public let path: String
  /// QEMU's greeting (`{"QMP": {"version": ..., "capabilities": [...]}}`).
  public let greeting: JSONValue
  /// How many unread events are kept; older ones are dropped first.
  public static let eventBufferLimit = 1000

  private let connection: SessionChannelQueue<Connection>

  private init(path: String, greeting: JSONValue, channel: JSONLineChannel) {
    self.path = path
    self.greeting = greeting
    self.connection = SessionChannelQueue(label: "qlearn.qmp", state: Connection(channel: channel))
  }

  deinit { connection.performSync { $0.channel.socket.close() } }

  /// QEMU's version from the greeting, e.g. `7.2.22`.
  public var qemuVersion: String? {
    guard let version = greeting["QMP"]?["version"]?["qemu"],
      let major = version["major"]?.int, let minor = version["minor"]?.int, let micro = version["micro"]?.int
    else { return nil }
    return "\(major).\(minor).\(micro)"
  }

  /// Connects (waiting up to `timeout` for QEMU to create the socket), reads the greeting and leaves negotiation mode
  /// with `qmp_capabilities`, after which QEMU accepts commands.
  public static func connect(path: String, timeout: Duration = .seconds(5)) async throws -> QMPClient {
    let deadline = ContinuousClock.now + timeout
    return try await Blocking.run {
      let socket: UnixSocket
      do {
        socket = try UnixSocket.connect(path: path, timeout: timeout)
      } catch {
        throw QMPError.connectFailed(path: path, reason: error.localizedDescription)
      }
      var channel = JSONLineChannel(socket: socket)
      do {
        let greeting = try Connection.readMessage(&channel, until: deadline, path: path, waitingFor: "the greeting", timeout: timeout)
        guard greeting["QMP"] != nil else {
          throw QMPError.protocolError("expected the QMP greeting, got \(greeting.compactString)")
        }
        let client = QMPClient(path: path, greeting: greeting, channel: channel)
        _ = try client.connection.performSync {
          try $0.execute("qmp_capabilities", arguments: nil, until: deadline, timeout: timeout, path: path)
        }
        return client
      } catch {
        socket.close()
        throw error
      }
    }
  }

  /// Runs a QMP command and returns its `return` member.
  ///
  /// Throws ``QMPError/commandFailed(command:class:desc:)`` when QEMU answers with `error`, ``QMPError/timedOut(command:timeout:)``
  /// and ``QMPError/vmGone(path:)``. `passing` attaches an open descriptor to the command (`SCM_RIGHTS`), as `getfd`
  /// and `add-fd` expect; the caller keeps its own copy and closes it.
  @discardableResult
  public func execute(
    _ command: String, arguments: [String: JSONValue]? = nil, passing descriptor: Int32? = nil,
    timeout: Duration = .seconds(3)
  ) async throws -> JSONValue {
    let deadline = ContinuousClock.now + timeout
    let path = self.path
    return try await connection.perform {
      try $0.execute(command, arguments: arguments, passing: descriptor, until: deadline, timeout: timeout, path: path)
    }
  }

  /// Runs a human monitor (HMP) command line such as `info version` or `drive_add 0 if=none,id=d1,file=...` and returns
  /// its text output. HMP reports most failures as text (e.g. `Error: ...`) rather than as a QMP error.
  public func humanMonitorCommand(_ line: String, timeout: Duration = .seconds(3)) async throws -> String {
    let reply = try await execute("human-monitor-command", arguments: ["command-line": .string(line)], timeout: timeout)
    guard let text = reply.string else {
      throw QMPError.protocolError("human-monitor-command returned \(reply.compactString)")
    }
    return text
  }

  /// Returns and forgets the events received so far, including any QEMU has sent but qlearn has not read yet.
  public func events() async throws -> [QMPEvent] {
    let path = self.path
    return try await connection.perform { state in
      try state.collectPending(path: path)
      defer { state.events.removeAll() }
      return state.events
    }
  }

  /// Waits for the next event called `name` (one already received counts) and removes it from the buffer.
  public func waitForEvent(named name: String, timeout: Duration) async throws -> QMPEvent {
    let deadline = ContinuousClock.now + timeout
    let path = self.path
    return try await connection.perform { state in
      while true {
        if let index = state.events.firstIndex(where: { $0.name == name }) {
          return state.events.remove(at: index)
        }
        let message: JSONValue
        do {
          message = try Connection.readMessage(
            &state.channel, until: deadline, path: path, waitingFor: name, timeout: timeout)
        } catch QMPError.timedOut {
          throw QMPError.eventTimedOut(event: name, timeout: timeout)
        }
        state.record(message)
      }
    }
  }

  /// Closes the socket. QEMU keeps running; later calls throw ``QMPError/vmGone(path:)``.
  public func close() {
    connection.performSync { $0.channel.socket.close() }
  }
}

extension QMPClient {
  /// The connection's mutable state, only touched on the client's queue.
  struct Connection {
    var channel: JSONLineChannel
    var events: [QMPEvent] = []
    var nextID = 1

    init(channel: JSONLineChannel) { self.channel = channel }

    mutating func execute(
      _ command: String, arguments: [String: JSONValue]?, passing descriptor: Int32? = nil,
      until deadline: ContinuousClock.Instant, timeout: Duration, path: String
    ) throws -> JSONValue {
      let id = "qlearn-\(nextID)"
      nextID += 1
      var request: [String: JSONValue] = ["execute": .string(command), "id": .string(id)]
      if let arguments { request["arguments"] = .object(arguments) }
      do {
        if let descriptor {
          try channel.socket.sendPassing(Array((JSONValue.object(request).compactString + "\n").utf8), descriptor: descriptor, until: deadline)
        } else {
          try channel.send(.object(request), until: deadline)
        }
      } catch {
        throw Self.translate(error, path: path, waitingFor: command, timeout: timeout)
      }
      while true {
        let message = try Self.readMessage(&channel, until: deadline, path: path, waitingFor: command, timeout: timeout)
        if message["event"] != nil {
          record(message)
          continue
        }
        // A reply without our id belongs to an earlier command that timed out; it is of no use any more.
        guard message["id"]?.string == id else { continue }
        if let error = message["error"] {
          throw QMPError.commandFailed(
            command: command, class: error["class"]?.string ?? "GenericError",
            desc: error["desc"]?.string ?? error.compactString)
        }
        guard let result = message["return"] else {
          throw QMPError.protocolError("reply to \(command) has neither return nor error: \(message.compactString)")
        }
        return result
      }
    }

    mutating func record(_ message: JSONValue) {
      guard let event = QMPEvent(message: message) else { return }
      events.append(event)
      if events.count > QMPClient.eventBufferLimit { events.removeFirst(events.count - QMPClient.eventBufferLimit) }
    }

    /// Reads events QEMU has already sent, without waiting.
    mutating func collectPending(path: String) throws {
      let open: Bool
      do {
        open = try channel.drainPending()
      } catch {
        throw Self.translate(error, path: path, waitingFor: "events", timeout: .zero)
      }
      while let line = channel.buffer.nextLine() {
        if let message = try? JSONValue.parse(line) { record(message) }
      }
      if !open { throw QMPError.vmGone(path: path) }
    }

    static func readMessage(
      _ channel: inout JSONLineChannel, until deadline: ContinuousClock.Instant, path: String, waitingFor what: String,
      timeout: Duration
    ) throws -> JSONValue {
      let line: [UInt8]
      do {
        line = try channel.readLine(until: deadline)
      } catch {
        throw translate(error, path: path, waitingFor: what, timeout: timeout)
      }
      do {
        return try JSONValue.parse(line)
      } catch {
        throw QMPError.protocolError("not JSON: \(String(decoding: line.prefix(200), as: UTF8.self))")
      }
    }

    static func translate(_ error: UnixSocketError, path: String, waitingFor what: String, timeout: Duration) -> QMPError {
      switch error {
      case .timedOut: .timedOut(command: what, timeout: timeout)
      case .closedByPeer: .vmGone(path: path)
      case .system(_, let cause) where [EBADF, ECONNRESET, EPIPE].contains(cause.errno): .vmGone(path: path)
      default: .protocolError(error.errorDescription ?? "\(error)")
      }
    }
  }
}
