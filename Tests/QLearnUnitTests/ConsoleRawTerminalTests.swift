import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// RawTerminal on a real pseudo-terminal.
@Suite struct ConsoleRawTerminalTests {
  struct Boom: Error {}

  private func settings(_ fd: Int32) throws -> termios {
    var value = termios()
    try syscall("tcgetattr") { tcgetattr(fd, &value) }
    return value
  }

  @Test func rawInsideRestoredAfter() throws {
    let (primary, secondary) = try openPseudoTerminal()
    defer {
      close(primary)
      close(secondary)
    }
    let before = try settings(secondary)
    #expect(before.c_lflag & tcflag_t(ICANON | ECHO) != 0)
    let inside = try RawTerminal.withRawMode(fileDescriptor: secondary) { try settings(secondary) }
    #expect(inside.c_lflag & tcflag_t(ICANON | ECHO | ISIG) == 0)
    #expect(inside.c_iflag & tcflag_t(ICRNL | IXON) == 0)
    let after = try settings(secondary)
    #expect(after.c_lflag == before.c_lflag)
    #expect(after.c_iflag == before.c_iflag)
    #expect(after.c_oflag == before.c_oflag)
  }

  @Test func restoredWhenTheBodyThrows() throws {
    let (primary, secondary) = try openPseudoTerminal()
    defer {
      close(primary)
      close(secondary)
    }
    let before = try settings(secondary)
    #expect(throws: Boom.self) {
      try RawTerminal.withRawMode(fileDescriptor: secondary) { throw Boom() }
    }
    #expect(try settings(secondary).c_lflag == before.c_lflag)
  }

  @Test func notATerminalIsLeftAlone() throws {
    var fds: [Int32] = [0, 0]
    try syscall("pipe") { pipe(&fds) }
    defer {
      close(fds[0])
      close(fds[1])
    }
    #expect(try RawTerminal.withRawMode(fileDescriptor: fds[0]) { 42 } == 42)
  }
}
