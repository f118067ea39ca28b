import Foundation
import HummingbirdWebSocket
import NIOCore
import QLearnKit

/// One page's console: guest output to the WebSocket as binary frames; keys from it (binary or text frames) to the
/// guest; a text frame `{"resize":[cols,rows]}` sets the guest tty's size.
struct ConsoleSocketBridge {
  let web: WebCourse
  let lesson: Lesson

  func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
    let directory = web.session(lesson)
    guard (try? SessionResolver.running(directory)) != nil else {
      try await outbound.close(.normalClosure, reason: "no VM is running")
      return
    }
    let hub = web.consoles.hub(for: directory)
    let (id, output) = try await hub.attach()
    defer { hub.detach(id) }
    let api = LessonAPI(web: web, lesson: lesson)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await bytes in output {
          try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
        }
        // The console closed under us: QEMU ended.
        try? await outbound.close(.goingAway, reason: "the VM is gone")
      }
      group.addTask {
        for try await message in inbound.messages(maxSize: 65536) {
          switch message {
          case .binary(let buffer): hub.send(Array(buffer.readableBytesView))
          case .text(let text):
            if let size = Self.resize(text) {
              Task { try? await api.resize(columns: size.columns, rows: size.rows) }
            } else {
              hub.send(Array(text.utf8))
            }
          }
        }
      }
      // Either side ending ends the bridge.
      try await group.next()
      group.cancelAll()
    }
  }

  static func resize(_ text: String) -> (columns: Int, rows: Int)? {
    guard text.hasPrefix("{"), let data = text.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let size = object["resize"] as? [Int], size.count == 2
    else { return nil }
    return (size[0], size[1])
  }
}
