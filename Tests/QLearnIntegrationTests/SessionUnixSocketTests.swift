import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct SessionUnixSocketTests {
  private func pair() throws -> (UnixSocket, UnixSocket) {
    var fds: [Int32] = [0, 0]
    try syscall("socketpair") { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) }
    return (try UnixSocket.adopting(fileDescriptor: fds[0], name: "a"), try UnixSocket.adopting(fileDescriptor: fds[1], name: "b"))
  }

  @Test func linesArriveWholeWhateverTheChunking() throws {
    let (a, b) = try pair()
    try a.writeAll(Array("{\"QMP\": 1}\r\n{\"ret".utf8), until: .now + .seconds(5))
    var buffer = UnixSocket.LineBuffer()
    #expect(try b.readLine(buffer: &buffer, until: .now + .seconds(5)) == Array("{\"QMP\": 1}".utf8))
    try a.writeAll(Array("urn\": {}}\n".utf8), until: .now + .seconds(5))
    #expect(try b.readLine(buffer: &buffer, until: .now + .seconds(5)) == Array("{\"return\": {}}".utf8))
  }

  @Test func silentPeerTimesOutAndClosedPeerIsReported() throws {
    let (a, b) = try pair()
    #expect(throws: UnixSocketError.timedOut(path: "b", operation: "read")) {
      try b.read(until: .now + .milliseconds(50))
    }
    #expect(try b.readAvailable() == nil)
    a.close()
    var buffer = UnixSocket.LineBuffer()
    #expect(throws: UnixSocketError.closedByPeer(path: "b")) {
      try b.readLine(buffer: &buffer, until: .now + .seconds(5))
    }
    #expect(throws: UnixSocketError.closedByPeer(path: "b")) {
      try b.writeAll([1, 2, 3], until: .now + .seconds(5))
    }
  }

  @Test func fullBufferTimesOutInsteadOfBlocking() throws {
    let (a, b) = try pair()
    let big = [UInt8](repeating: 0x41, count: 8 << 20)  // more than any socket buffer; nobody reads b
    #expect(throws: UnixSocketError.timedOut(path: "a", operation: "write")) {
      try a.writeAll(big, until: .now + .milliseconds(100))
    }
    withExtendedLifetime(b) {}
  }

  @Test func connectWaitsForTheSocketToAppear() async throws {
    let directory = try sessionScratchDirectory("sock")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("late.sock").path
    // Creates the listening socket only after a while, as QEMU does after it starts.
    let listener = try ScratchProcess(
      "/usr/bin/python3",
      ["-c", "import socket,time;time.sleep(0.3);s=socket.socket(socket.AF_UNIX);s.bind('\(path)');s.listen();c,_=s.accept();c.sendall(b'hi\\n');time.sleep(5)"],
      directory: directory)
    defer { listener.stop() }
    let socket = try UnixSocket.connect(path: path, timeout: .seconds(10))
    var buffer = UnixSocket.LineBuffer()
    #expect(try socket.readLine(buffer: &buffer, until: .now + .seconds(10)) == Array("hi".utf8))
  }

  @Test func tooLongPathIsRefusedClearly() {
    let path = "/tmp/" + String(repeating: "x", count: 200)
    #expect(throws: UnixSocketError.pathTooLong(path: path, limit: 107)) {
      try UnixSocket.connect(path: path, timeout: .milliseconds(10))
    }
  }

  @Test func timeoutsReadAsPeopleSayThem() {
    #expect(Duration.seconds(3).sessionTimeoutText == "3 s")
    #expect(Duration.milliseconds(250).sessionTimeoutText == "250 ms")
    #expect(Duration.milliseconds(1500).sessionTimeoutText == "1.5 s")
  }
}
