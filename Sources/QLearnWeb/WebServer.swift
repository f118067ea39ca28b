import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import QLearnKit

/// `qlearn serve`: the course and its lessons in a browser, on the same progress store and sessions as the CLI.
public struct WebServer: Sendable {
  public let configuration: WebConfiguration

  public init(configuration: WebConfiguration) { self.configuration = configuration }

  /// The Content-Security-Policy of every response: scripts, styles and connections from this server only; no inline
  /// script, no plugin, no frame, no form posted elsewhere, no image from the network (a lesson cannot phone home).
  public static let contentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

  /// Serves until the task is cancelled. `onReady` gets the URL with the token once the socket listens.
  public func run(onReady: @escaping @Sendable (URL) -> Void) async throws {
    let web = WebCourse(configuration: configuration)
    let router = Router(context: BasicWebSocketRequestContext.self)
    router.add(middleware: AccessGate(token: configuration.token))
    router.add(middleware: SecurityHeaders())
    Routes(web: web).add(to: router)
    var logger = Logger(label: "qlearn.serve")
    logger.logLevel = .error
    let host = configuration.host
    let token = configuration.token
    let app = Application(
      router: router,
      server: .http1WebSocketUpgrade(webSocketRouter: router),
      configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? 0
        let shown = host.contains(":") ? "[\(host)]" : host
        if let url = URL(string: "http://\(shown):\(port)/?token=\(token.value)") { onReady(url) }
      },
      logger: logger)
    try await app.run()
  }
}

struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    var response = try await next(request, context)
    response.headers[.contentSecurityPolicy] = WebServer.contentSecurityPolicy
    response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    return response
  }
}
