/// One declared device: a kind the installed QEMU has, plus the values the lesson set.
public struct Device: Sendable, Hashable {
  public var kind: DeviceKind
  public var id: String?
  /// The id of the device whose bus this one sits on; nil means the machine's root bus (or no bus).
  public var bus: String?
  public var properties: [String: PropertyValue]
  public var location: SourceLocation
  /// Where each property was written, for diagnostics.
  public var propertyLocations: [String: SourceLocation]
}
