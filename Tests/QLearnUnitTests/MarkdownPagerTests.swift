import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

#if canImport(Glibc)
  import Glibc
#endif

/// A real pseudo-terminal of a known size, so terminal detection and paging are tested against the kernel's answers.
private final class PseudoTerminal {
  let primary: Int32
  let secondary: Int32

  init(columns: UInt16, rows: UInt16) throws {
    let (primary, secondary) = try openPseudoTerminal()
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    try syscall("ioctl", "TIOCSWINSZ") { ioctl(primary, UInt(TIOCSWINSZ), &size) }
    self.primary = primary
    self.secondary = secondary
  }

  /// Everything written to the terminal so far, with the tty's `\r\n` turned back into `\n`.
  func drain() throws -> String {
    let flags = try syscall("fcntl") { fcntl(primary, F_GETFL) }
    try syscall("fcntl") { fcntl(primary, F_SETFL, flags | O_NONBLOCK) }
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(primary, &buffer, buffer.count)
      if count <= 0 { break }
      data += buffer[0..<count]
    }
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
  }

  deinit {
    close(secondary)
    close(primary)
  }
}

@Suite(.serialized) struct MarkdownPagerTests {
  let tall = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"

  @Test func detectOnAPipeIsPlainWithEightyColumns() throws {
    var fds: [Int32] = [0, 0]
    try syscall("pipe") { pipe(&fds) }
    defer {
      close(fds[0])
      close(fds[1])
    }
    #expect(TerminalStyle.detect(fileDescriptor: fds[1], environment: ["TERM": "xterm"]) == .plain)
    #expect(
      TerminalStyle.detect(fileDescriptor: fds[1], environment: ["TERM": "xterm", "COLUMNS": "90"])
        == TerminalStyle(color: false, width: 90))
  }

  @Test func detectOnATerminalHonoursNoColorAndDumbTerminals() throws {
    let pty = try PseudoTerminal(columns: 60, rows: 10)
    #expect(Terminal.isTerminal(pty.secondary))
    #expect(Terminal.size(of: pty.secondary)?.columns == 60)
    #expect(Terminal.size(of: pty.secondary)?.rows == 10)
    #expect(
      TerminalStyle.detect(fileDescriptor: pty.secondary, environment: ["TERM": "xterm-256color"])
        == TerminalStyle(color: true, width: 60))
    #expect(
      TerminalStyle.detect(fileDescriptor: pty.secondary, environment: ["TERM": "xterm", "NO_COLOR": "1"]).color
        == false)
    #expect(
      TerminalStyle.detect(fileDescriptor: pty.secondary, environment: ["TERM": "xterm", "NO_COLOR": ""]).color
        == true)
    #expect(TerminalStyle.detect(fileDescriptor: pty.secondary, environment: ["TERM": "dumb"]).color == false)
  }

  @Test func wideTerminalsGetAReadableMeasure() throws {
    let pty = try PseudoTerminal(columns: 200, rows: 50)
    #expect(TerminalStyle.detect(fileDescriptor: pty.secondary, environment: [:]).width == 100)
  }

  @Test func notATerminalIsWrittenDirectly() throws {
    var fds: [Int32] = [0, 0]
    try syscall("pipe") { pipe(&fds) }
    defer { close(fds[0]) }
    let outcome = try Pager.present(tall, style: .plain, fileDescriptor: fds[1], environment: ["PAGER": "false"])
    close(fds[1])
    #expect(outcome == .direct)
    let received = FileHandle(fileDescriptor: fds[0], closeOnDealloc: false).readDataToEndOfFile()
    #expect(String(decoding: received, as: UTF8.self) == tall)
  }

  @Test func shortTextOnATerminalIsNotPaged() throws {
    let pty = try PseudoTerminal(columns: 80, rows: 40)
    let outcome = try Pager.present(tall, style: .plain, fileDescriptor: pty.secondary, environment: ["PAGER": "false"])
    #expect(outcome == .direct)
    #expect(try pty.drain() == tall)
  }

  @Test func tallTextOnATerminalGoesThroughThePager() throws {
    let pty = try PseudoTerminal(columns: 80, rows: 10)
    let capture = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-pager-\(getpid()).txt")
    defer { try? FileManager.default.removeItem(at: capture) }
    // A real program as the pager: it records what it was given and what LESS it saw.
    let pager = "cat > '\(capture.path)'; printf 'LESS=%s' \"$LESS\""
    let outcome = try Pager.present(tall, style: .plain, fileDescriptor: pty.secondary, environment: ["PAGER": pager])
    #expect(outcome == .paged)
    #expect(try String(contentsOf: capture, encoding: .utf8) == tall)
    #expect(try pty.drain() == "LESS=FRXK")
  }

  @Test func aPagerThatCannotStartFallsBackToPlainOutput() throws {
    let pty = try PseudoTerminal(columns: 80, rows: 10)
    let outcome = try Pager.present(
      tall, style: .plain, fileDescriptor: pty.secondary, environment: ["PAGER": "/nonexistent/pager -R"])
    #expect(outcome == .pagerFailed)
    #expect(try pty.drain().hasSuffix(tall))
  }

  @Test func anEmptyPagerVariableMeansNoPager() throws {
    let pty = try PseudoTerminal(columns: 80, rows: 10)
    let outcome = try Pager.present(tall, style: .plain, fileDescriptor: pty.secondary, environment: ["PAGER": ""])
    #expect(outcome == .direct)
    #expect(try pty.drain() == tall)
  }

  @Test func aPagerThatQuitsEarlyDoesNotKillUs() throws {
    let pty = try PseudoTerminal(columns: 80, rows: 10)
    let huge = String(repeating: "x\n", count: 200_000)  // far more than a pipe buffer
    let outcome = try Pager.present(
      huge, style: .plain, fileDescriptor: pty.secondary, environment: ["PAGER": "head -c 1 >/dev/null"])
    #expect(outcome == .paged)
  }
}
