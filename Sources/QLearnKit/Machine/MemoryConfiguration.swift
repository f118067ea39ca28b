public struct MemoryConfiguration: Sendable, Hashable {
  /// Boot memory (`-m`).
  public var size = ByteCount(bytes: 512 << 20)
  /// DIMM slots for hotplug and NVDIMMs (`slots=`).
  public var slots: Int?
  /// Ceiling including hot-pluggable memory (`maxmem=`).
  public var maxmem: ByteCount?

  public init() {}
}
