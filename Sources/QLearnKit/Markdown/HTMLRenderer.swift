import CCmark
import Foundation

/// Lesson prose as HTML, for `qlearn serve`: libcmark's own HTML renderer in safe mode.
///
/// `CMARK_OPT_SAFE` replaces every raw HTML block and inline with a comment (`<!-- raw HTML omitted -->`) and drops
/// `javascript:`, `vbscript:`, `file:` and (but for images) `data:` link destinations, so a lesson's prose cannot put
/// a script, an event handler or a style into the page; cmark escapes every other character of the text itself.
/// Control characters (escape sequences meant for a terminal) become U+FFFD, so nothing invisible survives either.
public enum HTMLRenderer {
  public static func render(_ markdown: String) -> String {
    var source = markdown
    let options = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8
    let rendered: String? = source.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { chars in
        guard let document = cmark_parse_document(chars.baseAddress, chars.count, options) else { return nil }
        defer { cmark_node_free(document) }
        guard let html = cmark_render_html(document, options) else { return nil }
        defer { free(html) }
        return String(decoding: UnsafeRawBufferPointer(start: html, count: strlen(html)), as: UTF8.self)
      }
    }
    return withoutControls(rendered ?? "")
  }

  /// The text with C0 controls (but tab and newline), DEL and C1 controls replaced by U+FFFD.
  static func withoutControls(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      let value = scalar.value
      let control = (value < 0x20 && value != 0x09 && value != 0x0A) || (0x7F...0x9F).contains(value)
      scalars.append(control ? "\u{FFFD}" : scalar)
    }
    return String(scalars)
  }
}
