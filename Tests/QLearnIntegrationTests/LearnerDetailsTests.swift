import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The smaller things a learner meets: watch mode's notice on its own line (`list` and `hint`: LearnerCommandTests).
@Suite struct LearnerDetailsTests {
  @Test func aNoticeGoesAboveThePromptAndTheTypedLineIsRedrawn() async throws {
    var terminal: [Int32] = [0, 0]
    var console: [Int32] = [0, 0]
    try syscall("socketpair") { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &terminal) }
    try syscall("socketpair") { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &console) }
    let user = try UnixSocket.adopting(fileDescriptor: terminal[0], name: "user")
    let guest = try UnixSocket.adopting(fileDescriptor: console[0], name: "guest")
    let notices = try ConsoleNotices()
    let proxy = ConsoleProxy(
      socket: try UnixSocket.adopting(fileDescriptor: console[1], name: "console.sock"), input: terminal[1],
      output: terminal[1], notices: notices)
    defer {
      user.close()
      guest.close()
      proxy.socket.close()
      _ = Glibc.close(terminal[1])
    }
    let session = Task { try await proxy.attach() }
    // The guest printed output, then its prompt, then echoed what the learner has typed so far.
    let screen = Array("256+0 records out\r\nvm# cat /proc/inter".utf8)
    try guest.writeAll(screen, until: .now + .seconds(5))
    var got: [UInt8] = []
    let deadline = ContinuousClock.now + .seconds(10)
    while got.count < screen.count { got += try user.read(until: deadline) }
    notices.post("[qlearn] Steer I/O: all checks pass.")
    let expected = Array("\r\u{1b}[K[qlearn] Steer I/O: all checks pass.\r\nvm# cat /proc/inter".utf8)
    var after: [UInt8] = []
    while after.count < expected.count {
      let bytes = try user.read(until: deadline)
      if bytes.isEmpty { break }
      after += bytes
    }
    #expect(after == expected, "\(String(decoding: after, as: UTF8.self).debugDescription)")
    try user.writeAll([0x1D, UInt8(ascii: "d")], until: .now + .seconds(5))
    #expect(try await session.value == .detached)
  }
}
