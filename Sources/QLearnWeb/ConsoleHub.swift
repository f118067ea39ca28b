import Foundation
import QLearnKit
import Synchronization

/// One guest console shared by every page that shows it: a single connection to the session's console socket (the
/// one `qlearn attach` uses), opened when the first page attaches and closed when the last one leaves, so that the
/// console is free for `qlearn attach` again as soon as no page shows it.
///
/// Output goes to every attached page, and the last ``scrollbackLimit`` bytes to a page that attaches later, so a
/// second tab starts with the screen the first one sees.
final class ConsoleHub: Sendable {
  let path: String
  static let scrollbackLimit = 16384

  private struct State {
    var socket: UnixSocket?
    var subscribers: [UInt64: AsyncStream<[UInt8]>.Continuation] = [:]
    var nextID: UInt64 = 0
    var scrollback: [UInt8] = []
  }

  private let state = Mutex(State())
  /// Writes to QEMU, in order, off Swift's cooperative threads (a guest that stops reading must not stall the server).
  private let writer = DispatchQueue(label: "qlearn.console.writer")

  init(path: String) { self.path = path }

  /// Attaches a page: its id and the stream of guest output (scrollback first). Connects to the console if needed.
  func attach() async throws -> (id: UInt64, output: AsyncStream<[UInt8]>) {
    let needsSocket = state.withLock { $0.socket == nil }
    if needsSocket {
      let path = self.path
      let socket = try await offload { try UnixSocket.connect(path: path, timeout: .seconds(5)) }
      let kept = state.withLock { state -> Bool in
        guard state.socket == nil else { return false }
        state.socket = socket
        return true
      }
      if kept {
        startReader(socket)
        // A fresh line makes the shell print its prompt, as `qlearn attach` does.
        send(Array("\n".utf8))
      } else {
        socket.close()
      }
    }
    let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(4096))
    let id = state.withLock { state -> UInt64 in
      state.nextID += 1
      state.subscribers[state.nextID] = continuation
      if !state.scrollback.isEmpty { continuation.yield(state.scrollback) }
      return state.nextID
    }
    return (id, stream)
  }

  /// Detaches a page; the last one out closes the console connection.
  func detach(_ id: UInt64) {
    let closing = state.withLock { state -> UnixSocket? in
      state.subscribers[id]?.finish()
      state.subscribers[id] = nil
      guard state.subscribers.isEmpty, let socket = state.socket else { return nil }
      state.socket = nil
      state.scrollback = []
      return socket
    }
    closing?.shutdown()
  }

  /// Keys typed in a page, to the guest.
  func send(_ bytes: [UInt8]) {
    guard let socket = state.withLock({ $0.socket }), !bytes.isEmpty else { return }
    writer.async { try? socket.writeAll(bytes, until: .now + .seconds(10)) }
  }

  var attachedCount: Int { state.withLock { $0.subscribers.count } }

  private func startReader(_ socket: UnixSocket) {
    let thread = Thread { [self] in
      defer { socket.close() }
      while true {
        guard (try? socket.waitReadable(until: .now + .seconds(1))) != nil else { break }
        let stillOurs = state.withLock { $0.socket === socket }
        guard stillOurs else { break }
        guard let result = try? socket.readAvailable() else { continue }
        if result.isEmpty { break }  // QEMU closed the console: the VM is gone.
        broadcast(result)
      }
      finishAll(socket)
    }
    thread.name = "qlearn console reader"
    thread.start()
  }

  private func broadcast(_ bytes: [UInt8]) {
    state.withLock { state in
      state.scrollback.append(contentsOf: bytes)
      if state.scrollback.count > Self.scrollbackLimit {
        state.scrollback.removeFirst(state.scrollback.count - Self.scrollbackLimit)
      }
      for continuation in state.subscribers.values { continuation.yield(bytes) }
    }
  }

  /// The console closed under the pages: end their streams so each page says the console is gone.
  private func finishAll(_ socket: UnixSocket) {
    state.withLock { state in
      guard state.socket === socket else { return }
      for continuation in state.subscribers.values { continuation.finish() }
      state.subscribers = [:]
      state.socket = nil
      state.scrollback = []
    }
  }
}

/// The hubs of every session, by session folder.
final class ConsoleHubs: Sendable {
  private let hubs = Mutex<[String: ConsoleHub]>([:])

  func hub(for directory: SessionDirectory) -> ConsoleHub {
    let path = directory.layout.consoleSocket.path
    return hubs.withLock { hubs in
      if let hub = hubs[path] { return hub }
      let hub = ConsoleHub(path: path)
      hubs[path] = hub
      return hub
    }
  }
}

/// Runs blocking work on a thread of its own, leaving Swift's cooperative threads free.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread { continuation.resume(with: Result { try body() }) }
    thread.start()
  }
}
