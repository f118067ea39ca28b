/// The kinds of bus a device can sit on or offer. Lessons name buses by the id of the device that offers them.
public enum BusKind: String, Sendable, Hashable {
  /// Conventional PCI: `pci.0` on `pc`, a `pci-bridge`, a `pxb`.
  case pci
  /// PCI Express: `pcie.0` on `q35`, a root port, a switch's downstream port, a `pxb-pcie`.
  case pcie
  /// The internal bus of a PCIe switch's upstream port, where only downstream ports go.
  case pcieSwitch = "pcie switch"
  /// A SCSI host bus adapter's bus, where `scsi-hd` goes.
  case scsi
  /// A USB host controller's bus (`<id>.0`), where `usb-storage`, `usb-kbd` and `usb-tablet` go.
  case usb
  /// An NVMe controller's bus (the controller's id), where `nvme-ns` namespaces go.
  case nvme
}

/// Where a device plugs in.
public enum Plug: Sendable, Hashable {
  /// A PCI slot: any PCI or PCIe bus (QEMU places conventional devices on PCIe buses too).
  case pci
  /// PCIe only (ports and switches).
  case pcie
  /// Only the machine's root bus (expander bridges hang off the host bridge).
  case rootBus
  case bus(BusKind)
  /// No bus: ISA devices, IOMMUs, DIMMs.
  case none
}

/// The type of a device property as a lesson writes it. Each type knows how to check a value, so no lesson text reaches a
/// QEMU command line without passing through one of these.
public enum PropertyType: Sendable, Hashable {
  /// Letters, digits, `-` and `_` only (a serial number, a name), so that it needs no quoting in QEMU's option syntax.
  case token(maxLength: Int)
  case integer(ClosedRange<Int>)
  case boolean
  /// The id of a disk in `machine.disks`.
  case disk
  /// The id of a memory backend in `machine.memory_backends`.
  case memoryBackend
  /// The id of a network backend in `machine.netdevs`.
  case netdev
  /// A PCI slot (`0x3`) or slot.function (`0x3.1`) on the device's bus.
  case pciAddress
  /// A log that qlearn keeps for the session on the host (the device writes into it); its path is qlearn's choice.
  case hostLog

  /// Whether QEMU itself has a property of this name (lint asks the installed QEMU about those).
  public var isQEMUProperty: Bool { self != .hostLog }
}

/// One kind of device a lesson may declare: its QEMU driver name, where it plugs in, what it offers, its typed properties,
/// and which guest kernel modules bind it. Adding a device to qlearn is adding one of these to ``DeviceCatalog``; lint,
/// QEMU argv building and module resolution all read it.
public struct DeviceKind: Sendable, Hashable {
  /// The QEMU driver name (`-device <name>`), which is also the lesson's `kind:`.
  public var name: String
  public var summary: String
  public var plug: Plug
  /// The bus the device offers to others, if any.
  public var provides: BusKind?
  /// Properties a lesson may set, by QEMU's own name; `id` and `bus` are handled for every device.
  public var properties: [String: PropertyType]
  public var required: Set<String>
  /// Guest kernel modules that bind the device (the initramfs loads them and their dependencies).
  public var modules: [String]
  /// Machine types the device works on; empty means any.
  public var machines: Set<MachineType>
  /// Its Linux driver takes the PCI INTx pin (no MSI), so the guest must route legacy PCI interrupts; a machine
  /// without such a device boots with `acpi=noirq`, which spares the ACPI interpreter about 85 ms under TCG.
  public var legacyInterrupts: Bool = false

  public init(
    _ name: String, _ summary: String, plug: Plug, provides: BusKind? = nil,
    properties: [String: PropertyType] = [:], required: Set<String> = [], modules: [String] = [],
    machines: Set<MachineType> = []
  ) {
    self.name = name
    self.summary = summary
    self.plug = plug
    self.provides = provides
    self.properties = properties
    self.required = required
    self.modules = modules
    self.machines = machines
  }

  /// QEMU's name for the bus this device offers, given its id: SCSI adapters and USB controllers call theirs `<id>.0`, bridges use the id.
  public func busName(forDeviceID id: String) -> String {
    provides == .scsi || provides == .usb ? "\(id).0" : id
  }
}
