/// The type of a device property as a lesson writes it, derived from QEMU's own type for it (``DevicePolicy/type(of:named:kind:facts:)``).
/// Each type knows how to check a value, so no lesson text reaches a QEMU command line without passing through one.
public enum PropertyType: Sendable, Hashable {
  /// QEMU `str`: letters, digits and `-_.:` only (a serial number, a MAC address), never a path, never a comma.
  case token(maxLength: Int)
  /// QEMU's integer types, with their range (`uint8` is 0...255).
  case integer(ClosedRange<Int>)
  case boolean
  /// A QEMU enum whose choices QEMU lists (`OnOffAuto`: on/off/auto; `true`/`false` are taken as on/off).
  case choice([String])
  /// A QEMU enum whose choices QEMU does not list: a word, which QEMU itself checks in the paused probe.
  case word
  /// QEMU `size`: bytes, or a number with a binary unit (`64M`).
  case size
  /// The id of a disk in `machine.disks` (QEMU's `drive`).
  case disk
  /// The id of a memory backend in `machine.memory_backends` (`memdev`, `link<memory-backend>`).
  case memoryBackend
  /// The id of a network backend in `machine.netdevs`.
  case netdev
  /// The id of another declared device whose kind is QEMU type `type` or descends from it (`link<nvme-subsys>`).
  case device(String)
  /// A PCI slot (`0x3`) or slot.function (`0x3.1`) on the device's bus.
  case pciAddress
  /// A log that qlearn keeps for the session on the host (the device's `chardev` writes into it); its path is qlearn's
  /// choice. Lessons write `log: NAME` on any device that has a `chardev` property.
  case hostLog

  /// Whether QEMU itself has a property of this name (lint asks the installed QEMU about those).
  public var isQEMUProperty: Bool { self != .hostLog }
}

/// One kind of device a lesson may declare, as the installed QEMU describes it: its driver name, the bus type it plugs
/// into, its QOM ancestry, and the properties ``DevicePolicy`` lets a lesson set, typed from QEMU's own types.
public struct DeviceKind: Sendable, Hashable {
  /// The QEMU driver name (`-device <name>`), which is also the lesson's `kind:`.
  public var name: String
  public var summary: String
  /// QEMU's bus type for it (`PCI`, `SCSI`, `IDE`, `usb-bus`, `nvme-bus`), nil for none (DIMMs, system devices).
  public var bus: String?
  /// QOM parents, nearest first.
  public var ancestors: [String]
  /// Properties a lesson may set, by QEMU's own name; `id` and `bus` are handled for every device.
  public var properties: [String: PropertyType]
  /// Properties QEMU has that the policy refuses, with the reason.
  public var refused: [String: String]
  /// Its guest driver may need the PCI INTx pin, so the guest must keep ACPI's legacy interrupt routing. A machine
  /// without such a device boots with `acpi=noirq`, which spares the ACPI interpreter about 85 ms under TCG. QEMU does
  /// not say which drivers use MSI, so this is true for every PCI function that is not a bridge and whose QEMU kind
  /// has no MSI or MSI-X setting (see ``DevicePolicy/mayUseINTx(_:)``).
  public var legacyInterrupts: Bool

  public init(
    _ name: String, summary: String = "", bus: String? = nil, ancestors: [String] = [],
    properties: [String: PropertyType] = [:], refused: [String: String] = [:], legacyInterrupts: Bool = false
  ) {
    self.name = name
    self.summary = summary
    self.bus = bus
    self.ancestors = ancestors
    self.properties = properties
    self.refused = refused
    self.legacyInterrupts = legacyInterrupts
  }

  public func isA(_ type: String) -> Bool { name == type || ancestors.contains(type) }

  /// Plugs into a PCI or PCIe bus.
  public var isPCI: Bool { bus == "PCI" || bus == "PCIE" }

  /// Offers a PCI bus named by its id (bridges, root and switch ports, expander bridges), where other buses are named
  /// `<id>.0` by QEMU.
  public var namesBusByID: Bool {
    isA("base-pci-bridge") || isA("pxb") || isA("pxb-pcie") || isA("pcie-port") || name == "nvme"
  }

  /// Sits on the machine's root bus only (expander bridges hang off the host bridge).
  public var needsRootBus: Bool { isA("pxb") || isA("pxb-pcie") || name.hasPrefix("pxb") }

  /// QEMU's name for the bus this device offers, given its id.
  public func busName(forDeviceID id: String) -> String {
    namesBusByID ? id : "\(id).0"
  }
}
