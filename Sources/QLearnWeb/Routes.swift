import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import QLearnKit
import Synchronization

/// The server's routes: pages, static files, the lesson API, and the console WebSocket.
struct Routes {
  let web: WebCourse
  typealias Context = BasicWebSocketRequestContext

  func add(to router: Router<Context>) {
    let xterm = Cached { try XtermBundle.build() }
    router.get("/") { _, _ in try html(Pages.course(web)) }
    router.get("/lesson/:id") { _, context in html(Pages.lesson(try lesson(context))) }
    router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    router.get("/static/app.js") { _, _ in file(StaticAssets.script, type: "text/javascript; charset=utf-8") }
    router.get("/static/app.css") { _, _ in file(StaticAssets.style, type: "text/css; charset=utf-8") }
    router.get("/xterm/xterm.js") { _, _ in file(try xterm.value(), type: "text/javascript; charset=utf-8") }
    router.get("/xterm/xterm.css") { _, _ in
      let css = (try? String(contentsOf: XtermBundle.browserDirectory.appendingPathComponent("xterm.css"), encoding: .utf8)) ?? ""
      return file(css, type: "text/css; charset=utf-8")
    }
    router.get("/api/lesson/:id/state") { _, context in try await json { try await api(context).state() } }
    router.get("/api/lesson/:id/watch") { _, context in try await json { try await api(context).watch() } }
    router.post("/api/lesson/:id/start") { _, context in
      try await json { try api(context).start(options: web.configuration.launchOptions) }
    }
    router.post("/api/lesson/:id/stop") { _, context in try await json { try await api(context).stop() } }
    router.post("/api/lesson/:id/check") { _, context in try await json { try await api(context).check() } }
    router.post("/api/lesson/:id/hint") { _, context in try await json { try await api(context).hint() } }
    router.post("/api/lesson/:id/next") { _, context in try await json { try await api(context).next() } }
    router.post("/api/lesson/:id/answer") { request, context in
      let text = try await field("text", of: request)
      return try await json { try await api(context).answer(text) }
    }
    router.post("/api/lesson/:id/monitor") { request, context in
      let command = try await field("command", of: request)
      return try await json { try await api(context).monitor(command) }
    }
    router.ws("/ws/lesson/:id/console") { _, context in
      guard (try? lesson(context)) != nil else { return .dontUpgrade }
      return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
      let lesson = try lesson(context.requestContext)
      try await ConsoleSocketBridge(web: web, lesson: lesson).run(inbound: inbound, outbound: outbound)
    }
  }

  func lesson(_ context: Context) throws -> Lesson {
    try web.lesson(context.parameters.get("id") ?? "")
  }

  func api(_ context: Context) throws -> LessonAPI { LessonAPI(web: web, lesson: try lesson(context)) }

  func html(_ text: String) -> Response {
    file(text, type: "text/html; charset=utf-8")
  }

  func file(_ text: String, type: String) -> Response {
    Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// One string field of a small JSON body.
  func field(_ name: String, of request: Request) async throws -> String {
    let buffer = try await request.body.collect(upTo: 16384)
    let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
    guard let value = object?[name] as? String else { throw WebError.badRequest("The request needs a '\(name)' text.") }
    return value
  }

  /// The result as JSON, or the error as `{error, suggestion}` with a status that says whose fault it was.
  func json<T: Encodable>(_ body: () async throws -> T) async throws -> Response {
    do {
      let value = try await body()
      let data = try JSONEncoder().encode(value)
      return Response(
        status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    } catch {
      let status: HTTPResponse.Status
      switch error {
      case is WebError: status = (error as? WebError).map { if case .noLesson = $0 { .notFound } else { .badRequest } } ?? .badRequest
      case is SessionError, is GradingError: status = .conflict
      default: status = .internalServerError
      }
      let described = error as? LocalizedError
      let payload = [
        "error": described?.errorDescription ?? "\(error)", "suggestion": described?.recoverySuggestion ?? "",
      ]
      let data = try JSONEncoder().encode(payload)
      return Response(
        status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
  }
}

/// A value computed once, on first use (or again after a failure).
final class Cached: Sendable {
  private let make: @Sendable () throws -> String
  private let stored = Mutex<String?>(nil)
  init(_ make: @escaping @Sendable () throws -> String) { self.make = make }
  func value() throws -> String {
    if let value = stored.withLock({ $0 }) { return value }
    let value = try make()
    stored.withLock { $0 = value }
    return value
  }
}
