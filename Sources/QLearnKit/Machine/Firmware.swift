public enum Firmware: String, Sendable, Hashable, CaseIterable {
  /// qboot: minimal and about 0.1 s faster to boot; the default.
  case qboot
  /// SeaBIOS, QEMU's default BIOS: lessons that teach firmware (its debug log, boot order) use it.
  case seabios
}
