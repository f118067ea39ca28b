/// A unix socket carrying one JSON document per line, as QMP and qemu-ga speak.
///
/// Not thread-safe on its own: QMPClient and GuestAgentClient keep it inside a ``SessionChannelQueue``.
struct JSONLineChannel {
  let socket: UnixSocket
  var buffer = UnixSocket.LineBuffer()

  init(socket: UnixSocket) { self.socket = socket }

  func send(_ message: JSONValue, until deadline: ContinuousClock.Instant) throws(UnixSocketError) {
    try socket.writeAll(Array((message.compactString + "\n").utf8), until: deadline)
  }

  func sendRaw(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) throws(UnixSocketError) {
    try socket.writeAll(bytes, until: deadline)
  }

  /// The next line, raw. Throws ``UnixSocketError/timedOut(path:operation:)`` or ``UnixSocketError/closedByPeer(path:)``.
  mutating func readLine(until deadline: ContinuousClock.Instant) throws(UnixSocketError) -> [UInt8] {
    try socket.readLine(buffer: &buffer, until: deadline)
  }

  /// Moves whatever the peer has already sent into the buffer without waiting; returns `false` at end of file.
  mutating func drainPending() throws(UnixSocketError) -> Bool {
    while let bytes = try socket.readAvailable() {
      if bytes.isEmpty { return false }
      buffer.append(bytes)
    }
    return true
  }
}
