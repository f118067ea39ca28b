import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct ConsoleEscapeDecoderTests {
  private let esc = ConsoleEscapeDecoder.escapeByte

  @Test func ordinaryBytesPassThroughInOneChunk() {
    var decoder = ConsoleEscapeDecoder()
    #expect(decoder.feed(Array("ls -l\r".utf8)) == [.forward(Array("ls -l\r".utf8))])
    #expect(decoder.feed([]) == [])
    #expect(decoder.feed([0x03, 0x1B, 0x5B, 0x41]) == [.forward([0x03, 0x1B, 0x5B, 0x41])])  // Ctrl-C, up arrow
  }

  @Test func commandKeysBecomeCommands() {
    for (key, command) in [
      ("d", ConsoleEscapeDecoder.EscapeCommand.detach), ("m", .monitor), ("c", .check), ("?", .help),
    ] {
      var decoder = ConsoleEscapeDecoder()
      #expect(decoder.feed([esc] + Array(key.utf8)) == [.command(command)])
      #expect(!decoder.awaitingCommandKey)
    }
  }

  @Test func escapeSplitAcrossReadsIsRemembered() {
    var decoder = ConsoleEscapeDecoder()
    #expect(decoder.feed(Array("ab".utf8) + [esc]) == [.forward(Array("ab".utf8))])
    #expect(decoder.awaitingCommandKey)
    #expect(decoder.feed(Array("d".utf8)) == [.command(.detach)])
  }

  @Test func doubleEscapeSendsOneLiteral() {
    var decoder = ConsoleEscapeDecoder()
    #expect(decoder.feed([esc, esc]) == [.forward([esc])])
    #expect(decoder.feed([esc]) == [])
    #expect(decoder.feed([esc, UInt8(ascii: "x")]) == [.forward([esc, UInt8(ascii: "x")])])
  }

  @Test func unknownKeyIsForwardedWithTheEscape() {
    var decoder = ConsoleEscapeDecoder()
    #expect(decoder.feed([UInt8(ascii: "a"), esc, UInt8(ascii: "z"), UInt8(ascii: "b")])
      == [.forward([UInt8(ascii: "a"), esc, UInt8(ascii: "z"), UInt8(ascii: "b")])])
  }

  @Test func commandsAndTextKeepTheirOrder() {
    var decoder = ConsoleEscapeDecoder()
    let input = Array("x".utf8) + [esc, UInt8(ascii: "?")] + Array("y".utf8) + [esc, UInt8(ascii: "c")] + Array("z".utf8)
    #expect(decoder.feed(input) == [
      .forward(Array("x".utf8)), .command(.help), .forward(Array("y".utf8)), .command(.check), .forward(Array("z".utf8)),
    ])
  }
}
