/// An asynchronous QMP event (`STOP`, `RESUME`, `SUSPEND`, `WAKEUP`, `ACPI_DEVICE_OST`, `DEVICE_DELETED`, ...).
public struct QMPEvent: Sendable, Equatable {
  /// The event name, e.g. `DEVICE_DELETED`.
  public var name: String
  /// The event's `data` member, `.null` when it has none.
  public var data: JSONValue
  /// QEMU's host timestamp in seconds since the epoch, when it sent one.
  public var timestamp: Double?

  public init(name: String, data: JSONValue = .null, timestamp: Double? = nil) {
    self.name = name
    self.data = data
    self.timestamp = timestamp
  }

  /// Reads an event message; `nil` when `message` is not one.
  init?(message: JSONValue) {
    guard let name = message["event"]?.string else { return nil }
    self.name = name
    self.data = message["data"] ?? .null
    if let seconds = message["timestamp"]?["seconds"]?.double {
      self.timestamp = seconds + (message["timestamp"]?["microseconds"]?.double ?? 0) / 1e6
    } else {
      self.timestamp = nil
    }
  }
}
