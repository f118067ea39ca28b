import Foundation
import Hummingbird
import QLearnKit

/// The secret in the URL `qlearn serve` prints, as Jupyter's: 32 random bytes, in hex.
///
/// A request carries it in the `token` query parameter (the first visit, from the printed URL) or in the HttpOnly,
/// SameSite=Strict cookie that visit sets; any other request gets 403. No page contains the token: the cookie is not
/// readable by a script, and the first visit is redirected to the same path without it.
public struct AccessToken: Sendable, Equatable {
  public let value: String

  public init(value: String) { self.value = value }

  /// A fresh token from the system's random source.
  public static func random() -> AccessToken {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return AccessToken(value: bytes.map { String(format: "%02x", $0) }.joined())
  }

  public static let cookieName = "qlearn_token"

  /// Compares in time independent of where the strings differ.
  public func matches(_ candidate: Substring?) -> Bool {
    guard let candidate else { return false }
    let a = Array(value.utf8)
    let b = Array(candidate.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
  }

  /// The cookie's value in a `Cookie:` header, if any.
  static func cookie(in header: String?) -> Substring? {
    guard let header else { return nil }
    for part in header.split(separator: ";") {
      let pair = part.split(separator: "=", maxSplits: 1)
      if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == cookieName {
        return pair[1].drop { $0 == " " }
      }
    }
    return nil
  }
}

/// Lets through only requests that carry the token (query or cookie); the rest get 403 with a short explanation.
struct AccessGate<Context: RequestContext>: RouterMiddleware {
  let token: AccessToken

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    if let given = request.uri.queryParameters["token"] {
      guard token.matches(given) else { return Self.forbidden() }
      // Trade the token for a cookie and drop it from the address bar (and from any page's history a script reads).
      var headers = HTTPFields()
      headers[.location] = request.uri.path.isEmpty ? "/" : request.uri.path
      headers[.setCookie] = "\(AccessToken.cookieName)=\(token.value); Path=/; HttpOnly; SameSite=Strict"
      headers[.cacheControl] = "no-store"
      return Response(status: .seeOther, headers: headers)
    }
    guard token.matches(AccessToken.cookie(in: request.headers[.cookie])) else { return Self.forbidden() }
    // A state-changing request must come from our own pages: a cross-site form or fetch would carry no cookie
    // (SameSite=Strict), and a browser always sends Origin with a POST or a WebSocket upgrade.
    if request.method != .get || request.headers[.upgrade] != nil,
      let origin = request.headers[.origin], let host = request.head.authority,
      origin != "http://\(host)"
    {
      return Self.forbidden()
    }
    var response = try await next(request, context)
    response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
    return response
  }

  static func forbidden() -> Response {
    Response(
      status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
      body: .init(
        byteBuffer: ByteBuffer(
          string: "403: this qlearn server needs its token. Open the URL `qlearn serve` printed (it ends in ?token=...).\n")))
  }
}
