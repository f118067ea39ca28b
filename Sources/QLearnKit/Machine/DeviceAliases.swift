/// The modaliases of a machine's declared devices, as the guest kernel will see them, so that `modules.alias` of the
/// chosen kernel picks their drivers (``ModuleResolver/resolve(_:)`` takes these as it takes module names, like
/// `modprobe`). PCI ids come from the paused probe; virtio ids follow from them (virtio spec 4.1.2); a SCSI disk and an
/// NVDIMM's ACPI table are the devices whose ids QEMU does not show before a guest runs.
extension MachineProbe {
  public func modaliases(for machine: Machine) -> [String] {
    var result: [String] = []
    func add(_ alias: String) { if !result.contains(alias) { result.append(alias) } }
    // In declaration order (QEMU's tree lists devices newest first): the guest loads drivers in this order, which
    // decides host numbers (the first SCSI adapter declared is host0).
    for function in functions.enumerated().sorted(by: { ($0.element.device, $0.offset) < ($1.element.device, $1.offset) }).map(\.element) {
      // Bridges are enumerated by the PCI core itself (pcieport, shpchp are built into every kernel qlearn boots).
      if let code = function.classCode, code >> 8 == 0x06 { continue }
      if machine.devices[function.device].kind.isA("base-pci-bridge") { continue }
      add(Self.pciModalias(function))
      if function.vendor == 0x1AF4, (0x1000...0x107F).contains(function.deviceID) {
        let virtioID = function.deviceID >= 0x1040 ? function.deviceID - 0x1040 : function.subsystem
        add("virtio:d\(Self.hex(virtioID, 8))v\(Self.hex(function.subsystemVendor == 0 ? 0x1AF4 : function.subsystemVendor, 8))")
      }
    }
    for device in machine.devices where device.kind.bus == "SCSI" || device.kind.bus == "IDE" {
      // QEMU's scsi-disk models answer INQUIRY with these peripheral types (SCSI Primary Commands: 0 disk, 5 CD-ROM);
      // Linux's libata shows an IDE/SATA disk or CD as the same SCSI types.
      if device.kind.name == "scsi-hd" || device.kind.name == "ide-hd" { add("scsi:t-0x00") }
      if device.kind.name == "scsi-cd" || device.kind.name == "ide-cd" { add("scsi:t-0x05") }
    }
    if machine.hasNVDIMM {
      // QEMU builds an ACPI NFIT (device ACPI0012) for nvdimm=on; its regions appear on the nd bus as pmem (type 4).
      add("acpi:ACPI0012:")
      add("nd:t4")
    }
    return result
  }

  static func hex(_ value: Int, _ digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  /// `pci:v00008086d000025ABsv00001AF4sd00001100bc08sc80i00`; a class or programming interface QEMU did not say is
  /// written `*`, which ``ModuleResolver`` matches only against a pattern that does not look at it either (a driver
  /// that binds by class alone, such as xhci_pci or ipmi_si, is not chosen for a device whose class is unknown).
  static func pciModalias(_ f: Function) -> String {
    let baseClass = f.classCode.map { hex($0 >> 8, 2) } ?? "*"
    let subclass = f.classCode.map { hex($0 & 0xFF, 2) } ?? "*"
    let progIF = f.progIF.map { hex($0, 2) } ?? "*"
    return "pci:v\(hex(f.vendor, 8))d\(hex(f.deviceID, 8))sv\(hex(f.subsystemVendor, 8))sd\(hex(f.subsystem, 8))"
      + "bc\(baseClass)sc\(subclass)i\(progIF)"
  }
}
