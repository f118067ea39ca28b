import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A connected `AF_UNIX` stream socket with deadlines on every blocking operation.
///
/// qlearn talks to QEMU (QMP, the guest agent's chardev, the serial console) only over sockets it placed in a session
/// directory. QEMU or the guest can stop answering at any time, so nothing here blocks without a deadline: the descriptor
/// is non-blocking and every wait is a `poll` bounded by the caller's deadline.
///
/// The descriptor is fixed for the object's life and closing is idempotent and locked, so the type is `Sendable`; one
/// reader and one writer may use it from different threads. Call ``shutdown()`` to wake a reader blocked in another
/// thread before ``close()``.
public final class UnixSocket: Sendable {
  /// The socket path this end is connected to, for error messages.
  public let path: String
  /// The descriptor; stays valid until ``close()``. Exposed so a proxy can `poll` it together with other descriptors.
  public let fileDescriptor: Int32

  private let isClosed = Mutex(false)

  private init(path: String, fileDescriptor: Int32) {
    self.path = path
    self.fileDescriptor = fileDescriptor
  }

  /// Wraps an already connected stream socket descriptor (e.g. one end of `socketpair`); the socket takes ownership.
  public static func adopting(fileDescriptor fd: Int32, name: String) throws(UnixSocketError) -> UnixSocket {
    do {
      let flags = try syscall("fcntl", name) { fcntl(fd, F_GETFL) }
      try syscall("fcntl", name) { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    } catch {
      throw .system(path: name, error)
    }
    return UnixSocket(path: name, fileDescriptor: fd)
  }

  deinit { close() }

  // MARK: Connecting

  /// Connects to `path`, retrying while the socket does not exist yet or refuses connections, until `timeout` passes.
  ///
  /// QEMU creates its sockets a moment after it starts, so a caller that has just spawned it would otherwise race it.
  public static func connect(path: String, timeout: Duration) throws(UnixSocketError) -> UnixSocket {
    let deadline = ContinuousClock.now + timeout
    var pause = Duration.milliseconds(2)
    while true {
      do {
        return try connectOnce(path: path)
      } catch {
        guard case .system(_, let cause) = error,
          [ENOENT, ECONNREFUSED, EAGAIN].contains(cause.errno)
        else { throw error }
        let now = ContinuousClock.now
        guard now < deadline else {
          throw .connectTimedOut(path: path, timeout: timeout, lastError: cause)
        }
        Thread.sleep(forTimeInterval: min(pause, deadline - now).timeIntervalForSleep)
        pause = min(pause * 2, .milliseconds(50))
      }
    }
  }

  private static func connectOnce(path: String) throws(UnixSocketError) -> UnixSocket {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    let bytes = Array(path.utf8)
    guard bytes.count < capacity else { throw .pathTooLong(path: path, limit: capacity - 1) }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let fd: Int32
    do {
      fd = try syscall("socket", path) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    } catch {
      throw .system(path: path, error)
    }
    do {
      // A blocking connect on a unix socket returns at once (it never waits for the peer to accept), so the
      // descriptor is made non-blocking only afterwards.
      try syscall("connect", path) {
        withUnsafePointer(to: &address) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
          }
        }
      }
      let flags = try syscall("fcntl", path) { fcntl(fd, F_GETFL) }
      try syscall("fcntl", path) { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    } catch {
      try? closeOnce(fd, path)
      throw .system(path: path, error)
    }
    return UnixSocket(path: path, fileDescriptor: fd)
  }

  // MARK: Reading and writing

  /// Waits until data (or end of file) is readable, or `deadline` passes. Returns `false` on timeout.
  public func waitReadable(until deadline: ContinuousClock.Instant) throws(UnixSocketError) -> Bool {
    try Self.poll(fileDescriptor, events: Int16(POLLIN), until: deadline, path: path)
  }

  /// Reads what is available, waiting until `deadline` for at least one byte.
  ///
  /// Returns an empty array at end of file (the peer closed). Throws ``UnixSocketError/timedOut(path:operation:)`` when
  /// nothing arrived in time.
  public func read(maxBytes: Int = 65536, until deadline: ContinuousClock.Instant) throws(UnixSocketError) -> [UInt8] {
    while true {
      guard try waitReadable(until: deadline) else { throw .timedOut(path: path, operation: "read") }
      if let bytes = try readAvailable(maxBytes: maxBytes) { return bytes }
    }
  }

  /// Reads without waiting: `nil` when nothing is pending, an empty array at end of file.
  public func readAvailable(maxBytes: Int = 65536) throws(UnixSocketError) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: max(1, maxBytes))
    do {
      let count = try syscall("read", path) {
        buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
      }
      return Array(buffer[..<count])
    } catch {
      if error.errno == EAGAIN || error.errno == EWOULDBLOCK { return nil }
      if error.errno == ECONNRESET { return [] }
      throw .system(path: path, error)
    }
  }

  /// Writes every byte, waiting for buffer space until `deadline`.
  ///
  /// A peer that stopped reading (a frozen guest agent) fills the socket buffer; that surfaces as
  /// ``UnixSocketError/timedOut(path:operation:)`` instead of a hang, and a closed peer as ``UnixSocketError/closedByPeer(path:)``.
  public func writeAll(_ bytes: some Collection<UInt8>, until deadline: ContinuousClock.Instant) throws(UnixSocketError) {
    let data = Array(bytes)
    var offset = 0
    while offset < data.count {
      do {
        let written = try syscall("send", path) {
          data.withUnsafeBytes {
            send(fileDescriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
          }
        }
        offset += written
      } catch {
        switch error.errno {
        case EAGAIN, EWOULDBLOCK:
          guard try Self.poll(fileDescriptor, events: Int16(POLLOUT), until: deadline, path: path) else {
            throw .timedOut(path: path, operation: "write")
          }
        case EPIPE, ECONNRESET, ENOTCONN:
          throw .closedByPeer(path: path)
        default:
          throw .system(path: path, error)
        }
      }
    }
  }

  /// Shuts both directions down, which wakes a thread waiting in ``read(maxBytes:until:)`` with end of file.
  public func shutdown() {
    isClosed.withLock { closed in
      // A peer that has gone makes this fail with ENOTCONN, which leaves nothing to wake.
      if !closed { _ = try? syscall("shutdown", path) { Glibc.shutdown(fileDescriptor, Int32(SHUT_RDWR)) } }
    }
  }

  /// Closes the descriptor; later calls do nothing.
  public func close() {
    isClosed.withLock { closed in
      if !closed {
        closed = true
        try? closeOnce(fileDescriptor, path)
      }
    }
  }

  /// `poll` for one descriptor until `deadline`; `true` when ready (including hang-up and error, which the next read reports).
  static func poll(_ fd: Int32, events: Int16, until deadline: ContinuousClock.Instant, path: String)
    throws(UnixSocketError) -> Bool
  {
    var entry = pollfd(fd: fd, events: events, revents: 0)
    while true {
      let remaining = deadline - ContinuousClock.now
      let ready: Int32
      do {
        ready = try syscall("poll", path) { Glibc.poll(&entry, 1, remaining.pollMilliseconds) }
      } catch {
        throw .system(path: path, error)
      }
      if ready > 0 {
        if entry.revents & Int16(POLLNVAL) != 0 {
          throw .system(path: path, SystemError(call: "poll", subject: path, errno: EBADF))
        }
        return true
      }
      if ContinuousClock.now >= deadline { return false }
    }
  }
}

extension UnixSocket {
  /// Splits a byte stream into `\n`-terminated lines, for the JSON-lines protocols (QMP, the guest agent).
  public struct LineBuffer: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Bytes received but not yet returned as a line.
    public var buffered: [UInt8] { pending }

    public mutating func append(_ bytes: some Sequence<UInt8>) { pending.append(contentsOf: bytes) }

    /// The next complete line without its `\n` (and without a `\r` before it), or `nil` if none is complete yet.
    public mutating func nextLine() -> [UInt8]? {
      guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
      var line = Array(pending[..<newline])
      pending.removeSubrange(...newline)
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      return line
    }

    /// Drops everything buffered, e.g. when resynchronising with a peer.
    public mutating func removeAll() { pending.removeAll() }

    /// Drops bytes up to and including the last occurrence of `byte`; returns whether it was found.
    public mutating func discard(throughLast byte: UInt8) -> Bool {
      guard let index = pending.lastIndex(of: byte) else { return false }
      pending.removeSubrange(...index)
      return true
    }
  }

  /// Reads the next line, receiving until `deadline`. End of file throws ``UnixSocketError/closedByPeer(path:)``.
  public func readLine(buffer: inout LineBuffer, until deadline: ContinuousClock.Instant) throws(UnixSocketError)
    -> [UInt8]
  {
    while true {
      if let line = buffer.nextLine() { return line }
      let bytes = try read(until: deadline)
      if bytes.isEmpty { throw .closedByPeer(path: path) }
      buffer.append(bytes)
    }
  }
}

extension UnixSocketError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .pathTooLong(let path, let limit):
      "The socket path \(path) is longer than the \(limit) bytes a unix socket address can hold."
    case .connectTimedOut(let path, let timeout, let lastError):
      "Could not connect to \(path) within \(timeout.sessionTimeoutText): \(lastError.reason)."
    case .timedOut(let path, let operation):
      "Timed out waiting to \(operation) on \(path)."
    case .closedByPeer(let path):
      "The other end closed the socket \(path)."
    case .system(_, let error):
      error.description
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .pathTooLong:
      "Point QLEARN_RUNTIME_DIR at a shorter directory, e.g. /tmp/qlearn."
    case .connectTimedOut, .closedByPeer:
      "Check that QEMU is still running (qlearn status) and look at the session's QEMU log."
    case .timedOut:
      "The program on the other end is busy or hung; try again, or restart the session."
    case .system:
      nil
    }
  }
}

extension Duration {
  /// "3 s", "250 ms", "1.5 s": how timeouts are spoken of in qlearn's error messages.
  public var sessionTimeoutText: String {
    let ms = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    if ms < 1000 { return "\(Int(ms.rounded())) ms" }
    let seconds = ms / 1000
    if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
    return String(format: "%.1f s", seconds)
  }

  /// Milliseconds for `poll`, rounded up so a wait never ends before the deadline, clamped to `0...Int32.max`.
  var pollMilliseconds: Int32 {
    if self <= .zero { return 0 }
    let ms = (Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15).rounded(.up)
    return Int32(min(ms, Double(Int32.max)))
  }

  var timeIntervalForSleep: TimeInterval {
    max(0, Double(components.seconds) + Double(components.attoseconds) / 1e18)
  }
}
