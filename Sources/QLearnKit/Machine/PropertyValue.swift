public enum PropertyValue: Sendable, Hashable, CustomStringConvertible {
  case text(String)
  case integer(Int)
  case boolean(Bool)
  case address(slot: Int, function: Int)

  /// The value in QEMU's property syntax (`on`/`off` for booleans, hex slot.function for addresses).
  public var description: String {
    switch self {
    case .text(let text): text
    case .integer(let value): String(value)
    case .boolean(let value): value ? "on" : "off"
    case .address(let slot, let function):
      function == 0 ? "0x" + String(slot, radix: 16) : "0x\(String(slot, radix: 16)).\(function)"
    }
  }

  public var integer: Int? { if case .integer(let value) = self { value } else { nil } }
  public var text: String? { if case .text(let value) = self { value } else { nil } }
}
