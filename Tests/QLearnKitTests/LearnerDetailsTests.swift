import Foundation
import Testing

@testable import QLearnKit

/// The smaller things a learner meets: watch mode's notice on its own line, `list` in 80 columns, hints without a VM.
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

  @Test func listFitsEightyColumnsAndHintNeedsNoVM() throws {
    let cli = try QLearnCLI()
    let list = try cli.run(["list"])
    #expect(list.status == 0)
    let lines = list.stdoutText.split(separator: "\n")
    #expect(lines.count > 10)
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")

    let first = try cli.run(["hint", "--lesson", "nvme-queues"])
    #expect(first.status == 0, "\(first.stderrText)")
    #expect(first.stdoutText.hasPrefix("Hint 1/3: Every NVMe queue"), "\(first.stdoutText)")
    // Without --lesson: the only lesson begun.
    let second = try cli.run(["hint"])
    #expect(second.status == 0, "\(second.stderrText)")
    #expect(second.stdoutText.hasPrefix("Hint 2/3"), "\(second.stdoutText)")
    let store = try ProgressStore(directory: cli.paths.data)
    #expect(try store.hintsRevealed(lesson: "nvme-queues", step: "count-vectors") == 2)
  }
}
