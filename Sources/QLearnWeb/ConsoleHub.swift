import Foundation
import QLearnKit
import Synchronization

/// One guest console shared by every page that shows it: a single connection to the session's console socket (the
/// one `qlearn attach` uses), opened when the first page attaches and closed when the last page and the last
/// `qlearn attach` sharing it (through ``SharedConsole``) have left, so that QEMU's console is free again after.
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
    /// `qlearn attach` sessions sharing the console through ``SharedConsole``; the connection stays while any is.
    var sharedClients = 0
  }

  private let state = Mutex(State())
  /// Writes to QEMU, in order, off Swift's cooperative threads (a guest that stops reading must not stall the server).
  private let writer = DispatchQueue(label: "qlearn.console.writer")

  let sharedPath: String

  init(path: String, sharedPath: String) {
    self.path = path
    self.sharedPath = sharedPath
  }

  /// Attaches a page: its id and the stream of guest output (scrollback first). Connects to the console if needed.
  func attach() async throws -> (id: UInt64, output: AsyncStream<[UInt8]>) {
    // Registered first, so that the reader never sees the console without its first page and closes it.
    let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(4096))
    let id = state.withLock { state -> UInt64 in
      state.nextID += 1
      state.subscribers[state.nextID] = continuation
      if !state.scrollback.isEmpty { continuation.yield(state.scrollback) }
      return state.nextID
    }
    if state.withLock({ $0.socket == nil }) {
      let path = self.path
      let socket: UnixSocket
      do {
        socket = try await Blocking.run { try UnixSocket.connect(path: path, timeout: .seconds(5)) }
      } catch {
        detach(id)
        throw error
      }
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
    return (id, stream)
  }

  /// Detaches a page; the last one out closes the console connection.
  func detach(_ id: UInt64) {
    let closing = state.withLock { state -> UnixSocket? in
      state.subscribers[id]?.finish()
      state.subscribers[id] = nil
      guard state.subscribers.isEmpty, state.sharedClients == 0, let socket = state.socket else { return nil }
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
    let listener = try? SharedConsoleListener(path: sharedPath)
    let thread = Thread { [self] in
      var clients: [UnixSocket] = []
      defer {
        listener?.close()
        for client in clients { client.close() }
        socket.close()
      }
      while true {
        var fds = [pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        if let listener { fds.append(pollfd(fd: listener.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        for client in clients { fds.append(pollfd(fd: client.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        let count = fds.count
        guard (try? syscall("poll", path, { poll(&fds, nfds_t(count), 1000) })) != nil else { break }
        guard state.withLock({ $0.socket === socket }) else { return }  // the last page left: detach closed it
        if fds[0].revents != 0, let output = try? socket.readAvailable() {
          if output.isEmpty { break }  // QEMU closed the console: the VM is gone.
          broadcast(output)
          clients.removeAll { client in
            do {
              try client.writeAll(output, until: .now + .seconds(1))
              return false
            } catch {
              client.close()
              return true
            }
          }
        }
        let polled = clients  // the clients `fds` describes; ones accepted now are polled next time
        if let listener, fds[1].revents != 0 {
          while clients.count < 16, let client = listener.accept() { clients.append(client) }
        }
        let offset = listener == nil ? 1 : 2
        var gone: [Int32] = []
        for (index, client) in polled.enumerated() where fds[offset + index].revents != 0 {
          switch try? client.readAvailable() {
          case .some(let bytes) where bytes.isEmpty:
            gone.append(client.fileDescriptor)
          case .some(let bytes):
            send(bytes)
          case .none:
            if fds[offset + index].revents & Int16(POLLHUP | POLLERR) != 0 { gone.append(client.fileDescriptor) }
          }
        }
        for client in clients where gone.contains(client.fileDescriptor) { client.close() }
        clients.removeAll { gone.contains($0.fileDescriptor) }
        let remaining = clients.count
        let closing = state.withLock { state -> Bool in
          state.sharedClients = remaining
          guard state.subscribers.isEmpty, remaining == 0, state.socket === socket else { return false }
          state.socket = nil
          state.scrollback = []
          return true
        }
        if closing { return }
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
      let hub = ConsoleHub(path: path, sharedPath: SharedConsole.path(for: directory))
      hubs[path] = hub
      return hub
    }
  }
}
