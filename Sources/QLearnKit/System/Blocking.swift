import Foundation

/// Runs blocking work (a QEMU boot, `qemu-img`, building an initramfs, `waitpid`) on a thread of its own and lets async
/// code await it.
///
/// Swift's cooperative pool has one thread per core (two on the machines qlearn targets); a synchronous wait there parks
/// one of them, and every other task (the web server, the progress spinner, a second boot) stalls behind it. A fresh
/// thread per call is the right size here: the work it runs takes milliseconds to minutes, and few run at once.
public enum Blocking {
  public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        continuation.resume(with: Result { try body() })
      }
    }
  }

  /// ``run(_:)`` for work that cannot fail.
  public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      Thread.detachNewThread { continuation.resume(returning: body()) }
    }
  }
}
