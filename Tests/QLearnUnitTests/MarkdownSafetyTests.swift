import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Lesson text is untrusted: no escape sequence from a lesson may reach the terminal raw, in either mode.
@Suite struct MarkdownSafetyTests {
  /// The escape sequences planted in Fixtures/markdown/hostile-lesson.md (raw, or spelled as entities that cmark decodes).
  /// None of them is one the renderer emits itself (SGR 0-4 and colours 32-36), so finding one means a leak.
  static let planted = [
    "\u{1B}[2J", "\u{1B}]0;pwned\u{07}", "\u{9B}31m", "\u{1B}]52;c;", "\u{1B}[5m", "\u{9B}7m", "\u{1B}[8m", "\u{9B}0m",
    "\u{1B}[6m", "\u{1B}[31m", "\u{1B}[7m", "\u{1B}[9m", "\u{1B}\\", "\u{07}", "\u{08}",
  ]

  func hostileLesson() throws -> String { try fixtureText("markdown/hostile-lesson.md") }

  @Test func theFixtureReallyContainsTheEscapes() throws {
    let lesson = try hostileLesson()
    #expect(lesson.contains("\u{1B}[2J"))
    #expect(lesson.contains("\u{1B}]0;pwned\u{07}"))
    #expect(lesson.contains("\u{9B}31m"))
    #expect(lesson.contains("&#27;[8m"))
  }

  @Test func plainModeOutputHasNoEscapeByteAndNoControlCharacter() throws {
    let output = MarkdownRenderer(style: .plain).render(try hostileLesson())
    #expect(!output.utf8.contains(0x1B))
    let controls = output.unicodeScalars.filter {
      ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value)
    }
    #expect(controls.isEmpty, "control characters left: \(controls.map { String($0.value, radix: 16) })")
  }

  @Test func colourModeContainsNoPlantedSequenceAndOnlyTheRenderersSGR() throws {
    let output = MarkdownRenderer(style: TerminalStyle(color: true, width: 80)).render(try hostileLesson())
    for sequence in Self.planted {
      #expect(!output.contains(sequence), "planted \(sequence.debugDescription) reached the output")
    }
    // Every ESC left must start one of the renderer's own SGR codes: ESC [ digits/semicolons m.
    let scalars = Array(output.unicodeScalars)
    var escapes = 0
    for (index, scalar) in scalars.enumerated() where scalar == "\u{1B}" {
      escapes += 1
      var end = index + 1
      #expect(end < scalars.count && scalars[end] == "[")
      end += 1
      while end < scalars.count, scalars[end] == ";" || ("0"..."9").contains(scalars[end]) { end += 1 }
      #expect(end < scalars.count && scalars[end] == "m")
    }
    #expect(escapes > 0, "colour mode should style something")
    #expect(!output.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0 == "\u{07}" })
  }

  @Test func escapesShowUpVisiblyWhereTheyWere() throws {
    let output = MarkdownRenderer(style: .plain).render(try hostileLesson())
    #expect(output.contains("LOADING THE DRIVER ^[[2J"))  // heading (upper-cased)
    #expect(output.contains("<https://example.org/^[[8m/hidden>"))  // link URL from an entity
    #expect(output.contains("<https://example.org/\u{FFFD}0m>"))  // autolink with an 8-bit CSI
    #expect(output.contains("vm# echo ^[[31mred^[[0m"))  // code block
    #expect(output.contains("Heading with ^[[7m code"))  // code span in a heading
    #expect(output.contains("<div onclick=\"^[[2J\">raw HTML block ^[]52;c;ZWNobyBwd25lZA==^[\\</div>"))
    #expect(output.contains("retitle the window ^[]0;pwned^G,"))
  }

  @Test func inlineSnippetFromTheBrief() {
    let lesson = """
      # Title \u{1B}[2J

      Text \u{1B}]0;title\u{07} and \u{9B}31m red.

      <script>\u{1B}[2J</script>

      [link](http://example.org/&#27;[2J)

      ```monitor
      info \u{1B}[2J
      ```

      """
    for style in [TerminalStyle.plain, TerminalStyle(color: true, width: 80)] {
      let output = MarkdownRenderer(style: style).render(lesson)
      #expect(!output.contains("\u{1B}[2J"))
      #expect(!output.contains("\u{1B}]0;title\u{07}"))
      #expect(!output.contains("\u{9B}"))
      #expect(output.contains("(qemu) info ^[[2J") || output.contains("\u{1B}[0minfo ^[[2J"))
      if !style.color { #expect(!output.utf8.contains(0x1B)) }
    }
  }
}
