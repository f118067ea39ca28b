import Dispatch

/// Runs one connection's blocking socket conversation on a private serial queue and lets callers `await` it.
///
/// QMP and guest agent calls wait in `poll` for up to their timeout. Doing that on Swift's cooperative pool would park
/// one of its few threads (two on the machines qlearn targets) and stall unrelated tasks, so the waiting happens on a
/// Dispatch queue instead. The queue is serial, which also keeps requests and their replies in order on the wire.
final class SessionChannelQueue<State>: @unchecked Sendable {
  // @unchecked: `state` is touched only by blocks on the serial `queue`, one at a time.
  private let queue: DispatchQueue
  /// Touched only on `queue`.
  private var state: State

  init(label: String, state: State) {
    self.queue = DispatchQueue(label: label)
    self.state = state
  }

  /// Runs `body` with exclusive access to the connection state and returns its result.
  func perform<T: Sendable>(_ body: @escaping @Sendable (inout State) throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      queue.async {
        do {
          continuation.resume(returning: try body(&self.state))
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
  }

  /// The synchronous form, for callers that are not async (a `deinit`, the console's own thread).
  func performSync<T>(_ body: (inout State) throws -> T) rethrows -> T {
    try queue.sync { try body(&state) }
  }
}
