import Foundation
import QLearnTestSupport
import Synchronization
import Testing

@testable import QLearnKit

@Suite struct SyscallTests {
  @Test func failureNamesTheCallAndSubject() {
    #expect(throws: SystemError.self) {
      try syscall("open", "/nonexistent/qlearn") { open("/nonexistent/qlearn", O_RDONLY) }
    }
    do {
      try syscall("open", "/nonexistent/qlearn") { open("/nonexistent/qlearn", O_RDONLY) }
    } catch {
      #expect(error.errno == ENOENT)
      #expect(error.description == "open(/nonexistent/qlearn) failed: No such file or directory")
    }
  }

  /// Linux releases a descriptor even when close reports EINTR: retrying could close another thread's new descriptor.
  @Test func closeIsNeverRetriedAndEINTRCountsAsClosed() throws {
    var calls = 0
    try closeOnce(7, "test") { _ in
      calls += 1
      errno = EINTR
      return -1
    }
    #expect(calls == 1)
  }

  @Test func closeReportsOtherFailuresNamingTheSubject() {
    #expect(throws: SystemError(call: "close", subject: "nothing", errno: EBADF)) {
      try closeOnce(-1, "nothing")
    }
  }

  /// Blocking work must not sit on the cooperative pool (one thread per core): four bodies that each wait for all the
  /// others can only finish when each has a thread of its own.
  @Test func blockingWorkGetsThreadsOfItsOwn() async {
    let barrier = Barrier()
    let count = max(4, ProcessInfo.processInfo.activeProcessorCount + 2)
    let finished = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<count {
        group.addTask { await Blocking.run { barrier.arriveAndWait(for: count) } }
      }
      return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(finished == Array(repeating: true, count: count))
  }
}

/// Blocks each caller until `count` callers have arrived (true), or for 20 s (false).
private final class Barrier: Sendable {
  private let arrived = Mutex(0)

  func arriveAndWait(for count: Int) -> Bool {
    arrived.withLock { $0 += 1 }
    let deadline = Date(timeIntervalSinceNow: 20)
    while Date() < deadline {
      if arrived.withLock({ $0 }) >= count { return true }
      Thread.sleep(forTimeInterval: 0.001)
    }
    return false
  }
}
