/// What must never appear in a page made from hostile lesson prose (compared case-insensitively).
public enum HostileHTML {
  public static let forbidden = [
    "<script", "<iframe", "<style", "<svg", "<img src=\"x\"", "<img src=x", "onerror", "onload", "onclick",
    "onmouseover", "javascript:", "vbscript:", "data:text/html", "<div", "<span", "<a href=\"javascript",
  ]

  /// The forbidden strings found in `html`.
  public static func leaks(in html: String) -> [String] {
    let lower = html.lowercased()
    return forbidden.filter { lower.contains($0) }
  }
}
