import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The proxy on QEMU's own serial chardev socket (no guest: nothing is printed, but the socket is QEMU's).
@Suite(.serialized) struct ConsoleProxyQEMUTests {
  @Test func killingQEMUEndsTheSessionAsGuestClosed() async throws {
    let directory = try sessionScratchDirectory("con")
    let consolePath = directory.appendingPathComponent("console.sock").path
    let logPath = directory.appendingPathComponent("console.log").path
    let qemu = try ScratchProcess(
      "/usr/bin/qemu-system-x86_64",
      [
        "-machine", "pc", "-S", "-nodefaults", "-display", "none",
        "-chardev", "socket,id=con,path=\(consolePath),server=on,wait=off,logfile=\(logPath)",
        "-serial", "chardev:con",
      ], directory: directory)
    defer { qemu.stop() }
    var terminal: [Int32] = [0, 0]
    try syscall("socketpair") { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &terminal) }
    let user = try UnixSocket.adopting(fileDescriptor: terminal[0], name: "user")
    defer {
      user.close()
      close(terminal[1])
    }
    let socket = try UnixSocket.connect(path: consolePath, timeout: .seconds(10))
    defer { socket.close() }
    let proxy = ConsoleProxy(socket: socket, input: terminal[1], output: terminal[1])
    let session = Task { try await proxy.attach() }
    try user.writeAll(Array("echo hi\r".utf8), until: .now + .seconds(5))
    qemu.signal(SIGKILL)
    qemu.waitForExit()
    #expect(try await session.value == .guestClosed)
    #expect(try ConsoleLog(path: logPath).tail(lines: 5) == [])
  }
}
