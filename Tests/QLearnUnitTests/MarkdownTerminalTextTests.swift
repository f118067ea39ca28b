import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct MarkdownTerminalTextTests {
  @Test(arguments: Array(0x00...0x1F) + [0x7F])
  func everyC0CharacterAndDELBecomesCaretNotationExceptNewlineAndTab(value: Int) throws {
    let scalar = try #require(Unicode.Scalar(UInt32(value)))
    let output = TerminalText.sanitize("a" + String(Character(scalar)) + "b")
    switch value {
    case 0x0A: #expect(output == "a\nb")
    case 0x09: #expect(output == "a   b")  // to the next 4-column tab stop
    default:
      let caret = value == 0x7F ? "?" : String(Character(Unicode.Scalar(UInt8(value + 0x40))))
      #expect(output == "a^" + caret + "b")
    }
  }

  @Test(arguments: Array(0x80...0x9F))
  func everyC1CharacterBecomesTheReplacementCharacter(value: Int) throws {
    let scalar = try #require(Unicode.Scalar(UInt32(value)))
    #expect(TerminalText.sanitize("a" + String(Character(scalar)) + "b") == "a\u{FFFD}b")
  }

  @Test func namedExamples() {
    #expect(TerminalText.sanitize("\u{1B}[2J") == "^[[2J")
    #expect(TerminalText.sanitize("\u{1B}]0;title\u{07}") == "^[]0;title^G")
    #expect(TerminalText.sanitize("\u{9B}31m") == "\u{FFFD}31m")
    #expect(TerminalText.sanitize("abc\u{08}\u{08}") == "abc^H^H")
    #expect(TerminalText.sanitize("\u{0}") == "^@")
  }

  @Test func carriageReturnsEndingLinesAreDroppedButLoneOnesAreShown() {
    #expect(TerminalText.sanitize("one\r\ntwo\r\n") == "one\ntwo\n")
    #expect(TerminalText.sanitize("safe\rrm -rf") == "safe^Mrm -rf")
    #expect(TerminalText.sanitize("end\r") == "end^M")
  }

  @Test func tabsExpandToTabStopsPerLine() {
    #expect(TerminalText.sanitize("\tx\nab\tc") == "    x\nab  c")
  }

  @Test func bidiOverridesAreReplacedButOrdinaryUnicodeKept() {
    #expect(TerminalText.sanitize("rm \u{202E}fdp.exe") == "rm \u{FFFD}fdp.exe")
    #expect(TerminalText.sanitize("é 漢字 → ✓ ß") == "é 漢字 → ✓ ß")
  }

  @Test func displayWidth() {
    #expect(TerminalText.width(of: "abc") == 3)
    #expect(TerminalText.width(of: "漢字") == 4)
    #expect(TerminalText.width(of: "e\u{301}") == 1)  // e + combining acute
    #expect(TerminalText.width(of: "─═│") == 3)
  }
}
