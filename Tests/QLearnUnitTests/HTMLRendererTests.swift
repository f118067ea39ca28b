import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Lesson prose becomes HTML through libcmark's safe renderer: no raw HTML, no script, no `javascript:` URL.
@Suite struct HTMLRendererTests {
  static func fixture(_ path: String) throws -> String { try fixtureText(path) }

  @Test func hostileHTMLFixtureRendersNoScriptNoRawHTMLNoJavascriptURL() throws {
    let html = HTMLRenderer.render(try Self.fixture("web/hostile/hostile-html.md"))
    #expect(HostileHTML.leaks(in: html) == [], "\(html)")
    #expect(html.contains("<!-- raw HTML omitted -->"))
    // The code block shows the script as text.
    #expect(html.contains("&lt;script&gt;alert('in a code block: shown as text')&lt;/script&gt;"))
    // Links with a forbidden scheme keep their text and lose their destination.
    #expect(html.contains("<a href=\"\">a javascript link</a>"))
  }

  @Test func terminalHostileFixtureRendersNoRawHTMLAndNoControlCharacter() throws {
    let html = HTMLRenderer.render(try Self.fixture("markdown/hostile-lesson.md"))
    #expect(HostileHTML.leaks(in: html) == [], "\(html)")
    #expect(!html.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) })
    #expect(html.contains("<h1>Loading the driver \u{FFFD}[2J</h1>"))
  }

  @Test func ordinaryMarkdownBecomesHTML() {
    let html = HTMLRenderer.render("# Title\n\nSome *text* and `code` & a [link](https://example.org/a?b=1&c=2).\n")
    #expect(html.contains("<h1>Title</h1>"))
    #expect(html.contains("<em>text</em>"))
    #expect(html.contains("<code>code</code> &amp; a <a href=\"https://example.org/a?b=1&amp;c=2\">link</a>"))
  }
}
