import Foundation
import QLearnWeb
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// A `qlearn serve` server in this process, on 127.0.0.1 and a free port, spoken to with curl.
final class TestServer: Sendable {
  let url: URL
  let token: String
  let task: Task<Void, any Error>

  init(lessons: [URL], data: URL) async throws {
    var configuration = WebConfiguration(
      lessonFolders: lessons,
      paths: Paths(data: data, cache: Paths.standard().cache, runtime: data.appendingPathComponent("run")))
    configuration.port = 0
    let token = configuration.token.value
    let (stream, continuation) = AsyncStream<URL>.makeStream()
    let server = WebServer(configuration: configuration)
    task = Task { try await server.run { continuation.yield($0) } }
    var iterator = stream.makeAsyncIterator()
    let timeout = Task { try await Task.sleep(for: .seconds(30)); continuation.finish() }
    guard let url = await iterator.next() else { throw CommandError.notFound(program: "qlearn serve did not start") }
    timeout.cancel()
    self.url = url
    self.token = token
  }

  /// The server's root, without the token.
  var base: String { "http://\(url.host!):\(url.port!)" }

  struct Reply {
    var status: Int
    var headers: String
    var body: String
  }

  /// One request with curl (no redirect following); `cookie` sends the token's cookie.
  func request(_ path: String, cookie: Bool = true, method: String = "GET", body: String? = nil, headers: [String] = [])
    throws -> Reply
  {
    var arguments = ["-s", "-S", "-i", "--max-time", "20", "-X", method]
    if cookie { arguments += ["-H", "Cookie: \(AccessToken.cookieName)=\(token)"] }
    for header in headers { arguments += ["-H", header] }
    if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
    arguments.append(base + path)
    let output = try Command("curl", arguments).output()
    let text = String(decoding: output.stdout, as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    let head = parts.first ?? ""
    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
    return Reply(status: status, headers: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
  }

  func stop() { task.cancel() }
}

@Suite(.serialized) struct WebServerTests {
  static let hostileFolders = [
    Repository.fixtures.appendingPathComponent("web/hostile"),
    Repository.fixtures.appendingPathComponent("lessons/hostile"),
  ]

  @Test func everyRequestWithoutTheTokenGets403() async throws {
    let server = try await TestServer(lessons: [Repository.lessons], data: try Repository.temporaryDirectory())
    defer { server.stop() }
    for path in ["/", "/lesson/nvme-queues", "/static/app.js", "/xterm/xterm.js", "/api/lesson/nvme-queues/state"] {
      #expect(try server.request(path, cookie: false).status == 403, "\(path)")
      #expect(try server.request(path + "?token=0123", cookie: false).status == 403, "\(path) with a wrong token")
      #expect(
        try server.request(path, cookie: false, headers: ["Cookie: \(AccessToken.cookieName)=\(String(repeating: "0", count: 64))"]).status == 403)
    }
    #expect(try server.request("/api/lesson/nvme-queues/start", cookie: false, method: "POST", body: "{}").status == 403)
    // The console's WebSocket: refused without the token (Hummingbird answers a refused upgrade with 400), from
    // another site's page even with the cookie, and upgraded (101) only with the cookie from our own origin.
    let upgrade = [
      "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ]
    let host = "\(server.url.host!):\(server.url.port!)"
    #expect(try server.request("/ws/lesson/nvme-queues/console", cookie: false, headers: upgrade).status == 400)
    #expect(
      try server.request("/ws/lesson/nvme-queues/console", headers: upgrade + ["Origin: http://evil.example"]).status == 400)
    #expect(try server.request("/ws/lesson/nvme-queues/console", headers: upgrade + ["Origin: http://\(host)"]).status == 101)
  }

  @Test func theTokenIsTradedForAnHttpOnlyStrictCookieAndLeavesTheAddress() async throws {
    let server = try await TestServer(lessons: [Repository.lessons], data: try Repository.temporaryDirectory())
    defer { server.stop() }
    let first = try server.request("/lesson/nvme-queues?token=\(server.token)", cookie: false)
    #expect(first.status == 303)
    #expect(first.headers.lowercased().contains("location: /lesson/nvme-queues\r\n"))
    #expect(first.headers.contains("Set-Cookie: \(AccessToken.cookieName)=\(server.token); Path=/; HttpOnly; SameSite=Strict"))
    let page = try server.request("/lesson/nvme-queues")
    #expect(page.status == 200)
    #expect(!page.body.contains(server.token))
    #expect(page.headers.contains("Content-Security-Policy: \(WebServer.contentSecurityPolicy)"))
    #expect(page.body.contains("NVMe queues and CPUs"))
    let course = try server.request("/")
    #expect(course.status == 200)
    #expect(course.body.contains("href=\"/lesson/nvme-queues\""))
    #expect(!course.body.contains(server.token))
  }

  @Test func aRequestFromAnotherSiteIsRefusedEvenWithTheCookie() async throws {
    let server = try await TestServer(lessons: [Repository.lessons], data: try Repository.temporaryDirectory())
    defer { server.stop() }
    let host = "\(server.url.host!):\(server.url.port!)"
    let foreign = try server.request(
      "/api/lesson/nvme-queues/start", method: "POST", body: "{}", headers: ["Origin: http://evil.example"])
    #expect(foreign.status == 403)
    let own = try server.request(
      "/api/lesson/nvme-queues/hint", method: "POST", body: "{}", headers: ["Origin: http://\(host)"])
    #expect(own.status == 409)  // our own page: allowed, and the answer is that no VM runs
    #expect(own.body.contains("has no running VM"))
  }

  @Test func hostileLessonPagesCarryNoScriptNoRawHTMLNoJavascriptURL() async throws {
    let server = try await TestServer(lessons: Self.hostileFolders, data: try Repository.temporaryDirectory())
    defer { server.stop() }
    for id in ["hostile-html", "hostile-prose"] {
      let page = try server.request("/lesson/\(id)")
      #expect(page.status == 200, "\(id): \(page.body)")
      // Our own two script elements, by source, and nothing else.
      let scripts = page.body.components(separatedBy: "<script").count - 1
      #expect(scripts == 2, "\(id)")
      #expect(page.body.contains("<script src=\"/xterm/xterm.js\" defer></script><script src=\"/static/app.js\" defer></script>"))
      // The prose: what libcmark made of the lesson's Markdown.
      let prose = try #require(Self.between("<article class=\"prose\">", "</article>", in: page.body))
      #expect(HostileHTML.leaks(in: prose) == [], "\(id): \(prose)")
      // The whole page: no element a lesson chose, no event handler, no javascript: URL anywhere.
      #expect(Self.tagProblems(page.body) == [], "\(id)")
      #expect(!page.body.lowercased().contains("javascript:"))
      #expect(!page.body.contains("\u{1B}"))
    }
    let course = try server.request("/")
    #expect(course.body.contains("Hostile &lt;script&gt;alert(1)&lt;/script&gt; HTML"))
    #expect(course.body.components(separatedBy: "<script").count - 1 == 2)
  }

  static func between(_ start: String, _ end: String, in text: String) -> String? {
    guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
      return nil
    }
    return String(text[from.upperBound..<to.lowerBound])
  }

  /// Every tag in the page whose name is not one the page's own layout uses, or that has an `on...` attribute.
  static func tagProblems(_ html: String) -> [String] {
    let own: Set<String> = [
      "html", "head", "meta", "title", "link", "script", "body", "header", "a", "span", "main", "div", "article",
      "section", "details", "summary", "h1", "h2", "h3", "h4", "p", "ol", "ul", "li", "button", "pre", "input", "svg", "path", "g", "rect",
      "text", "code", "em", "strong", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "progress",
      "img",
    ]
    let tag = try! Regex(#"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>"#)
    var problems: [String] = []
    for match in html.matches(of: tag) {
      let name = String(match.output[1].substring ?? "").lowercased()
      let attributes = String(match.output[2].substring ?? "").lowercased()
      if !own.contains(name) || attributes.contains(try! Regex(#"\son[a-z]+\s*="#)) || attributes.contains("style=") {
        problems.append(String(html[match.range]))
      }
      if name == "script", !["<script src=\"/xterm/xterm.js\" defer>", "<script src=\"/static/app.js\" defer>"].contains(String(html[match.range])) {
        problems.append(String(html[match.range]))
      }
    }
    return problems
  }

  @Test func theConsoleScriptIsDebiansXtermJS() async throws {
    let server = try await TestServer(lessons: [Repository.lessons], data: try Repository.temporaryDirectory())
    defer { server.stop() }
    let script = try server.request("/xterm/xterm.js")
    #expect(script.status == 200)
    #expect(script.body.contains("definitions[\"public/Terminal\"]"))
    #expect(script.body.contains("window.Terminal = Terminal"))
    #expect(try server.request("/xterm/xterm.css").body.contains(".xterm"))
  }

  @Test func theMachineIsDrawnFromTheTypedModel() async throws {
    let server = try await TestServer(lessons: [Repository.lessons], data: try Repository.temporaryDirectory())
    defer { server.stop() }
    let page = try server.request("/lesson/nvme-queues").body
    #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"machine\""))
    for label in [">machine pc<", ">4 CPUs<", ">pci.0<", ">nvme0: nvme<", ">disk disk0<", ">64M qcow2<", "max_ioqpairs=8"] {
      #expect(page.contains(label), "\(label)")
    }
  }
}
