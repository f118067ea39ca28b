import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The proxy between two socket pairs: one plays the learner's terminal (input and output on one descriptor), the other
/// the guest's console socket.
@Suite struct ConsoleProxyTests {
  struct Rig {
    let user: UnixSocket  // the test's end of the "terminal"
    let guest: UnixSocket  // the test's end of the "console socket"
    let proxy: ConsoleProxy
    let terminalFD: Int32

    init() throws {
      var terminal: [Int32] = [0, 0]
      var console: [Int32] = [0, 0]
      try syscall("socketpair") { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &terminal) }
      try syscall("socketpair") { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &console) }
      user = try UnixSocket.adopting(fileDescriptor: terminal[0], name: "user")
      guest = try UnixSocket.adopting(fileDescriptor: console[0], name: "guest")
      terminalFD = terminal[1]
      proxy = ConsoleProxy(
        socket: try UnixSocket.adopting(fileDescriptor: console[1], name: "console.sock"), input: terminal[1],
        output: terminal[1])
    }

    func type(_ bytes: [UInt8]) throws { try user.writeAll(bytes, until: .now + .seconds(5)) }

    /// Reads from `socket` until `expected` has arrived (guarded by a generous deadline, not a timing assertion).
    func receive(_ expected: [UInt8], on socket: UnixSocket) throws -> [UInt8] {
      var got: [UInt8] = []
      let deadline = ContinuousClock.now + .seconds(10)
      while got.count < expected.count {
        let bytes = try socket.read(until: deadline)
        if bytes.isEmpty { break }
        got += bytes
      }
      return got
    }

    func close() {
      user.close()
      guest.close()
      proxy.socket.close()
      _ = Glibc.close(terminalFD)
    }
  }

  @Test func copiesBothWaysAndDetaches() async throws {
    let rig = try Rig()
    defer { rig.close() }
    let session = Task { try await rig.proxy.attach() }
    try rig.type(Array("ls /sys\r".utf8))
    #expect(try rig.receive(Array("ls /sys\r".utf8), on: rig.guest) == Array("ls /sys\r".utf8))
    let prompt = Array("\u{1B}[1mbus\u{1B}[0m  class\r\n~ # ".utf8)
    try rig.guest.writeAll(prompt, until: .now + .seconds(5))
    #expect(try rig.receive(prompt, on: rig.user) == prompt)
    try rig.type([0x1D, 0x1D])
    #expect(try rig.receive([0x1D], on: rig.guest) == [0x1D])
    try rig.type([0x1D])
    try rig.type(Array("?".utf8))
    let help = Array(ConsoleEscapeDecoder.helpText.utf8)
    #expect(try rig.receive(help, on: rig.user) == help)
    try rig.type([0x1D, UInt8(ascii: "d")])
    #expect(try await session.value == .detached)
  }

  @Test func monitorAndCheckEndTheSession() async throws {
    for (key, action) in [("m", ConsoleAction.monitor), ("c", .check)] {
      let rig = try Rig()
      defer { rig.close() }
      let session = Task { try await rig.proxy.attach() }
      try rig.type([UInt8(ascii: "x"), 0x1D] + Array(key.utf8))
      #expect(try await session.value == action)
      #expect(try rig.receive([UInt8(ascii: "x")], on: rig.guest) == [UInt8(ascii: "x")])
    }
  }

  @Test func guestHangUpEndsTheSession() async throws {
    let rig = try Rig()
    defer { rig.close() }
    let session = Task { try await rig.proxy.attach() }
    try rig.guest.writeAll(Array("reboot: Power down\r\n".utf8), until: .now + .seconds(5))
    rig.guest.close()
    #expect(try await session.value == .guestClosed)
    #expect(try rig.receive(Array("reboot: Power down\r\n".utf8), on: rig.user) == Array("reboot: Power down\r\n".utf8))
  }

  @Test func inputEndOfFileEndsTheSession() async throws {
    let rig = try Rig()
    defer { rig.close() }
    let session = Task { try await rig.proxy.attach() }
    rig.user.shutdown()
    #expect(try await session.value == .inputClosed)
  }
}
