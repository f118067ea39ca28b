/// Every device kind a lesson may declare: each device of the seed tutorial, with the properties its lessons turn.
public enum DeviceCatalog {
  public static let all: [DeviceKind] = storage + network + bridges + platform + temporary

  public static func kind(named name: String) -> DeviceKind? { byName[name] }

  private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

  static let pciSlot: [String: PropertyType] = ["addr": .pciAddress]
  static let queueCount = PropertyType.integer(1...64)
  static let virtio = ["virtio_pci"]

  static let storage: [DeviceKind] = [
    DeviceKind(
      "nvme", "NVM Express controller", plug: .pci, provides: .nvme,
      properties: pciSlot.merging([
        "drive": .disk, "serial": .token(maxLength: 20), "max_ioqpairs": queueCount,
        "msix_qsize": queueCount,
        // TEMPORARY (lesson nvme-sriov): a controller in a subsystem, with its namespaces as nvme-ns, and SR-IOV.
        "subsys": .token(maxLength: 32), "sriov_max_vfs": .integer(0...127),
        "sriov_vq_flexible": .integer(0...0xFFFF), "sriov_vi_flexible": .integer(0...0xFFFF),
        "sriov_max_vq_per_vf": .integer(0...255), "sriov_max_vi_per_vf": .integer(0...255),
      ]) { a, _ in a },
      required: ["serial"], modules: ["nvme"]),
    DeviceKind(
      "megasas", "LSI MegaRAID SAS 1078 host bus adapter", plug: .pci, provides: .scsi,
      properties: pciSlot, modules: ["megaraid_sas", "sd_mod"]),
    legacy(
      DeviceKind(
        "lsi53c895a", "LSI 53C895A SCSI host bus adapter", plug: .pci, provides: .scsi,
        properties: pciSlot, modules: ["sym53c8xx", "sd_mod"])),
    DeviceKind(
      "virtio-scsi-pci", "virtio SCSI host bus adapter", plug: .pci, provides: .scsi,
      properties: pciSlot.merging(["num_queues": queueCount]) { a, _ in a },
      modules: virtio + ["virtio_scsi", "sd_mod"]),
    DeviceKind(
      "scsi-hd", "SCSI disk", plug: .bus(.scsi),
      properties: [
        "drive": .disk, "channel": .integer(0...7), "scsi-id": .integer(0...255),
        "lun": .integer(0...255), "bootindex": .integer(0...99),
      ],
      required: ["drive"], modules: ["sd_mod"]),
    DeviceKind(
      "virtio-blk-pci", "virtio block device", plug: .pci,
      properties: pciSlot.merging(["drive": .disk, "num-queues": queueCount]) { a, _ in a },
      required: ["drive"], modules: virtio + ["virtio_blk"]),
  ]

  static func nic(_ name: String, _ summary: String, _ modules: [String]) -> DeviceKind {
    DeviceKind(
      name, summary, plug: .pci, properties: pciSlot.merging(["netdev": .netdev]) { a, _ in a },
      required: ["netdev"], modules: modules)
  }

  /// `kind`, marked as a device whose driver uses the INTx pin.
  static func legacy(_ kind: DeviceKind) -> DeviceKind {
    var kind = kind
    kind.legacyInterrupts = true
    return kind
  }

  static let network: [DeviceKind] = [
    DeviceKind(
      "virtio-net-pci", "virtio network card", plug: .pci,
      properties: pciSlot.merging([
        "netdev": .netdev, "mq": .boolean, "vectors": .integer(1...1024),
      ]) { a, _ in a },
      required: ["netdev"], modules: virtio + ["virtio_net"]),
    legacy(nic("e1000", "Intel 82540EM gigabit ethernet", ["e1000"])),
    nic("e1000e", "Intel 82574L gigabit ethernet (PCIe)", ["e1000e"]),
    legacy(nic("rtl8139", "Realtek RTL8139 fast ethernet", ["8139cp", "8139too"])),
    nic("vmxnet3", "VMware paravirtual ethernet", ["vmxnet3"]),
    legacy(nic("i82550", "Intel i82550 fast ethernet", ["e100"])),
  ]

  static let bridges: [DeviceKind] = [
    DeviceKind(
      "pci-bridge", "PCI-to-PCI bridge", plug: .pci, provides: .pci,
      properties: pciSlot.merging(["chassis_nr": .integer(1...255)]) { a, _ in a },
      required: ["chassis_nr"]),
    DeviceKind(
      "pxb", "PCI expander bridge: an extra PCI root bus, optionally on a NUMA node", plug: .rootBus,
      provides: .pci,
      properties: pciSlot.merging(["bus_nr": .integer(1...254), "numa_node": .integer(0...7)]) {
        a, _ in a
      },
      required: ["bus_nr"], machines: [.pc]),
    DeviceKind(
      "pxb-pcie", "PCIe expander bridge: an extra PCIe root complex, optionally on a NUMA node",
      plug: .rootBus, provides: .pcie,
      properties: pciSlot.merging(["bus_nr": .integer(1...254), "numa_node": .integer(0...7)]) {
        a, _ in a
      },
      required: ["bus_nr"], machines: [.q35]),
    DeviceKind(
      "ioh3420", "Intel X58 PCIe root port", plug: .pcie, provides: .pcie,
      properties: pciSlot.merging(["chassis": .integer(0...255), "slot": .integer(0...255)]) {
        a, _ in a
      }, machines: [.q35]),
    DeviceKind(
      "pcie-root-port", "generic PCIe root port (hot-pluggable slot)", plug: .pcie,
      provides: .pcie,
      properties: pciSlot.merging(["chassis": .integer(0...255), "slot": .integer(0...255)]) {
        a, _ in a
      }, machines: [.q35]),
    DeviceKind(
      "x3130-upstream", "TI X3130 PCIe switch, upstream port", plug: .pcie, provides: .pcieSwitch,
      properties: pciSlot, machines: [.q35]),
    DeviceKind(
      "xio3130-downstream", "TI XIO3130 PCIe switch, downstream port", plug: .bus(.pcieSwitch),
      provides: .pcie,
      properties: pciSlot.merging(["chassis": .integer(0...255), "slot": .integer(0...255)]) {
        a, _ in a
      }, machines: [.q35]),
  ]

  static let platform: [DeviceKind] = [
    DeviceKind(
      "intel-iommu", "Intel VT-d IOMMU", plug: .none,
      properties: ["intremap": .boolean, "caching-mode": .boolean], machines: [.q35]),
    DeviceKind(
      "nvdimm", "non-volatile DIMM (persistent memory)", plug: .none,
      properties: ["memdev": .memoryBackend], required: ["memdev"], modules: ["nfit", "nd_pmem"]),
    DeviceKind(
      "pc-dimm", "DIMM of ordinary memory", plug: .none, properties: ["memdev": .memoryBackend],
      required: ["memdev"]),
    DeviceKind(
      "isa-debugcon", "ISA debug console port (firmware writes its debug log here)", plug: .none,
      properties: ["iobase": .integer(0...0xFFFF), "log": .hostLog], required: ["log"]),
    // The host device is never the lesson's to name: qlearn assigns one bound to vfio-pci (`--vfio-device`, or the
    // only one there is). A lesson using it must declare `requires: [vfio]`.
    legacy(
      DeviceKind(
        "vfio-pci", "a host PCI device passed through VFIO (qlearn assigns it)", plug: .pci,
        properties: pciSlot)),
  ]

  // TEMPORARY: the devices of the lessons hwrng, watchdog, edu-device, virtio-balloon, usb-storage, usb-hotplug and nvme-sriov,
  // until the open machine model reads every kind from QEMU and its modules from modules.alias.
  static let temporary: [DeviceKind] = [
    DeviceKind(
      "virtio-rng-pci", "virtio entropy source", plug: .pci, properties: pciSlot,
      modules: virtio + ["virtio_rng"]),
    DeviceKind(
      "i6300esb", "Intel 6300ESB watchdog timer", plug: .pci, properties: pciSlot, modules: ["i6300esb"]),
    DeviceKind("edu", "QEMU's educational PCI device", plug: .pci, properties: pciSlot),
    // QEMU 7.2's virtio-balloon-pci has no MSI-X (no `vectors` property): its config interrupt is INTx, so the
    // guest must route legacy interrupts (without, `balloon 256` is never seen by the guest).
    legacy(
      DeviceKind(
        "virtio-balloon-pci", "virtio memory balloon", plug: .pci,
        properties: pciSlot.merging(["deflate-on-oom": .boolean, "free-page-reporting": .boolean]) { a, _ in a },
        modules: virtio + ["virtio_balloon"])),
    DeviceKind(
      "qemu-xhci", "USB 3 (xHCI) host controller", plug: .pci, provides: .usb,
      properties: pciSlot.merging(["p2": .integer(0...15), "p3": .integer(0...15)]) { a, _ in a },
      modules: ["xhci_pci"]),
    DeviceKind(
      "usb-storage", "USB mass-storage stick", plug: .bus(.usb),
      properties: ["drive": .disk, "serial": .token(maxLength: 20), "removable": .boolean],
      required: ["drive"], modules: ["usb_storage", "sd_mod"]),
    DeviceKind(
      "nvme-subsys", "NVM subsystem that NVMe controllers join (subsys=)", plug: .none,
      properties: ["nqn": .token(maxLength: 64)]),
    DeviceKind(
      "nvme-ns", "NVMe namespace on a controller", plug: .bus(.nvme),
      properties: ["drive": .disk, "nsid": .integer(1...256), "shared": .boolean, "detached": .boolean],
      required: ["drive"], modules: ["nvme"]),
    DeviceKind("usb-kbd", "USB keyboard", plug: .bus(.usb), modules: ["usbhid", "hid_generic"]),
    DeviceKind("usb-tablet", "USB tablet (absolute pointer)", plug: .bus(.usb), modules: ["usbhid", "hid_generic"]),
  ]
}
