/// Picks qlearn's escape commands out of what the learner types into the guest console.
///
/// The console is the learner's own shell, so every byte goes to the guest except `Ctrl-]` (0x1D, as in telnet and
/// `virsh console`, which no shell binds) followed by a command key:
///
/// | keys | meaning |
/// |---|---|
/// | `Ctrl-]` `d` | detach (the VM keeps running) |
/// | `Ctrl-]` `m` | open the QEMU monitor |
/// | `Ctrl-]` `c` | run the lesson's check |
/// | `Ctrl-]` `?` | print this help |
/// | `Ctrl-]` `Ctrl-]` | send one literal 0x1D |
///
/// Any other key after `Ctrl-]` is sent on together with the 0x1D, so a stray escape loses nothing. The state survives
/// between reads, because the two keys usually arrive in separate reads.
public struct ConsoleEscapeDecoder: Sendable, Equatable {
  public static let escapeByte: UInt8 = 0x1D

  public enum EscapeCommand: Sendable, Equatable {
    case detach, monitor, check, help

    init?(key: UInt8) {
      switch key {
      case UInt8(ascii: "d"), UInt8(ascii: "D"): self = .detach
      case UInt8(ascii: "m"), UInt8(ascii: "M"): self = .monitor
      case UInt8(ascii: "c"), UInt8(ascii: "C"): self = .check
      case UInt8(ascii: "?"), UInt8(ascii: "h"), UInt8(ascii: "H"): self = .help
      default: return nil
      }
    }
  }

  /// One step of decoded input, in the order typed.
  public enum EscapeOutput: Sendable, Equatable {
    /// Bytes for the guest.
    case forward([UInt8])
    case command(EscapeCommand)
  }

  /// Whether the last byte seen was an unfinished `Ctrl-]`.
  public private(set) var awaitingCommandKey = false

  public init() {}

  /// Decodes `bytes`, merging consecutive bytes for the guest into one `.forward`.
  public mutating func feed(_ bytes: some Sequence<UInt8>) -> [EscapeOutput] {
    var outputs: [EscapeOutput] = []
    var pending: [UInt8] = []
    func flush() {
      if !pending.isEmpty {
        outputs.append(.forward(pending))
        pending.removeAll()
      }
    }
    for byte in bytes {
      if awaitingCommandKey {
        awaitingCommandKey = false
        if byte == Self.escapeByte {
          pending.append(byte)
        } else if let command = EscapeCommand(key: byte) {
          flush()
          outputs.append(.command(command))
        } else {
          pending += [Self.escapeByte, byte]
        }
      } else if byte == Self.escapeByte {
        awaitingCommandKey = true
      } else {
        pending.append(byte)
      }
    }
    flush()
    return outputs
  }

  /// The help printed for `Ctrl-]` `?`, with `\r\n` line ends because the terminal is in raw mode.
  public static let helpText =
    [
      "",
      "qlearn console: Ctrl-] then",
      "  d   detach (the VM keeps running; `qlearn attach` to come back)",
      "  m   open the QEMU monitor",
      "  c   check your work",
      "  ?   this help",
      "  Ctrl-]  send a literal Ctrl-]",
      "",
    ].joined(separator: "\r\n")
}
