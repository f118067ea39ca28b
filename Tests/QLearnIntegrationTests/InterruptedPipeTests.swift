import Foundation
import Synchronization
import Testing

@testable import QLearnKit

/// Fuzzing found it (FuzzLesson under libFuzzer's timer signal, in lint's machine probe): Foundation's
/// `FileHandle.readDataToEndOfFile()` traps (`FileHandle.swift:699: Fatal error: 'try!' ... Interrupted system call`)
/// when `read` returns EINTR, so any signal whose handler was installed without SA_RESTART could kill qlearn while it
/// drained a program's output. Here such a signal interrupts the thread that runs ``Command`` thousands of times while
/// it feeds and drains `cat`; every byte must come back.
///
/// In the integration target, which runs serially: the test changes a signal's disposition for the whole process.
@Suite(.serialized) struct InterruptedPipeTests {
  @Test func aCommandsPipesSurviveSignalsThatInterruptReadsAndWrites() throws {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    action.sa_flags = 0  // no SA_RESTART: a blocked read or write returns EINTR
    sigemptyset(&action.sa_mask)
    var previous = sigaction()
    #expect(sigaction(SIGUSR2, &action, &previous) == 0)
    defer { sigaction(SIGUSR2, &previous, nil) }
    // This thread (a worker of Swift's pool) blocks asynchronous signals: let SIGUSR2 in while the test runs.
    var mask = sigset_t()
    sigemptyset(&mask)
    sigaddset(&mask, SIGUSR2)
    var previousMask = sigset_t()
    pthread_sigmask(SIG_UNBLOCK, &mask, &previousMask)
    defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }

    // Aimed at this thread, which reads `cat`'s output inside Command.output(): the read the fuzzer saw interrupted.
    let target = pthread_self()
    let stop = Atomic<Bool>(false)
    let sent = Atomic<Int>(0)
    Thread {
      while !stop.load(ordering: .relaxed) {
        pthread_kill(target, SIGUSR2)
        sent.add(1, ordering: .relaxed)
        usleep(50)
      }
    }.start()
    defer { stop.store(true, ordering: .relaxed) }

    let input = Data((0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    for _ in 0..<3 {
      let output = try Command("cat", input: input).output()
      #expect(output.status == 0)
      #expect(output.stdout == input)
    }
    stop.store(true, ordering: .relaxed)
    #expect(sent.load(ordering: .relaxed) > 100, "the signals were sent")
  }
}
