import Foundation

/// Runs QMP commands against a QEMU that reads QMP on its standard input (`-qmp stdio`): every command is written at
/// once, followed by `quit`, and the replies are read back in order. One process answers hundreds of questions in about
/// a second, where one `-device NAME,help` process per device takes minutes.
enum QMPBatch {
  /// One reply: QMP's `return` value, or its error's description.
  // @unchecked: `Any` holds what JSONSerialization parsed (strings, numbers, arrays, dictionaries), never mutated after.
  enum Reply: @unchecked Sendable {
    case value(Any)
    case error(String)
  }

  struct Transcript {
    /// Replies in command order; fewer than the commands when QEMU died on one (see ``died``).
    var replies: [Reply]
    var stderr: String
    var status: Int32
    /// QEMU's first line of error output when it ended before answering everything.
    var died: Bool
  }

  /// `arguments` must not contain `-qmp` (added here) nor any display or monitor of its own.
  static func run(binary: String, arguments: [String], commands: [(String, [String: Any]?)]) throws -> Transcript {
    var lines: [String] = [#"{"execute":"qmp_capabilities"}"#]
    for (name, args) in commands {
      var message: [String: Any] = ["execute": name]
      if let args { message["arguments"] = args }
      let data = try JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])
      lines.append(String(decoding: data, as: UTF8.self))
    }
    lines.append(#"{"execute":"quit"}"#)
    let input = Data((lines.joined(separator: "\n") + "\n").utf8)
    let output = try Command(binary, arguments + ["-qmp", "stdio"], input: input).output()
    var replies: [Reply] = []
    for line in output.stdout.split(separator: UInt8(ascii: "\n")) {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
      if let value = object["return"] {
        replies.append(.value(value))
      } else if let error = object["error"] as? [String: Any] {
        replies.append(.error(error["desc"] as? String ?? "QEMU refused the command"))
      }
    }
    // The first reply answers qmp_capabilities and the last one quit.
    let answered = replies.isEmpty ? [] : Array(replies.dropFirst())
    let complete = answered.count > commands.count
    return Transcript(
      replies: Array(answered.prefix(commands.count)), stderr: output.stderrText, status: output.status,
      died: !complete)
  }
}
