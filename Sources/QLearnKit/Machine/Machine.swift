/// The virtual machine a lesson declares, as a typed model. Nothing in it is a host path or a raw QEMU option: qlearn
/// turns it into a QEMU command line itself, choosing every path and quoting every value.
public struct Machine: Sendable, Hashable {
  public var type: MachineType = .pc
  public var cpus = CPUTopology()
  public var memory = MemoryConfiguration()
  public var numa: [NUMANode] = []
  public var firmware: Firmware = .qboot
  /// Extra words for the guest kernel's command line (`intel_iommu=on`), each checked by ``KernelArgument``.
  public var kernelArguments: [String] = []
  public var disks: [Disk] = []
  public var memoryBackends: [MemoryBackend] = []
  public var netdevs: [Netdev] = []
  public var devices: [Device] = []
  /// Host programs to copy into the guest besides busybox, by name from ``GuestTools/catalog``.
  public var tools: [String] = []
  /// Extra guest kernel modules to load at boot (`ext4`, `vfio_pci`...), besides those the devices need.
  public var modules: [String] = []
  /// q35 only: let the guest's PCIe native hotplug driver (pciehp) handle root ports, as the tutorial shows it
  /// ("Attention button pressed"), instead of QEMU 7.2's default ACPI hotplug.
  public var pcieNativeHotplug = false

  public init() {}

  /// What the guest's initramfs loads: the modaliases of the declared devices, from the paused QEMU probe (cached by
  /// machine hash; ``ModuleResolver`` turns each into the chosen kernel's modules through its modules.alias), then the
  /// modules the lesson names, without repeats.
  public var guestModules: [String] {
    let derived = devices.isEmpty && !hasNVDIMM ? [] : MachineProbe.standard(self)?.modaliases(for: self) ?? []
    var seen = Set<String>()
    return (derived + modules).filter { seen.insert($0).inserted }
  }

  public var hasNVDIMM: Bool { devices.contains { $0.kind.name == "nvdimm" } }
}

public enum MachineType: String, Sendable, Hashable, CaseIterable {
  /// i440FX with conventional PCI: the seed's default machine.
  case pc
  /// Q35 with PCI Express: root ports, switches, the Intel IOMMU.
  case q35

  public var rootBus: String { self == .pc ? "pci.0" : "pcie.0" }
}

public enum Firmware: String, Sendable, Hashable, CaseIterable {
  /// qboot: minimal and about 0.1 s faster to boot; the default.
  case qboot
  /// SeaBIOS, QEMU's default BIOS: lessons that teach firmware (its debug log, boot order) use it.
  case seabios
}

public struct CPUTopology: Sendable, Hashable {
  /// vCPUs online at boot (`-smp N`).
  public var count = 2
  /// Upper bound for CPU hotplug (`maxcpus=`); equals `count` when not set.
  public var maxcpus: Int?
  public var sockets: Int?
  public var cores: Int?
  public var threads: Int?

  public init() {}

  public var effectiveMax: Int { maxcpus ?? count }
}

public struct MemoryConfiguration: Sendable, Hashable {
  /// Boot memory (`-m`).
  public var size = ByteCount(bytes: 512 << 20)
  /// DIMM slots for hotplug and NVDIMMs (`slots=`).
  public var slots: Int?
  /// Ceiling including hot-pluggable memory (`maxmem=`).
  public var maxmem: ByteCount?

  public init() {}
}

public struct NUMANode: Sendable, Hashable {
  public var memory: ByteCount
  public var cpus: [Int]
  public var location: SourceLocation
}

/// Memory behind a DIMM or NVDIMM. A `file` backend lives in the session directory.
public struct MemoryBackend: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable { case ram, file }
  public var id: String
  public var kind: Kind
  public var size: ByteCount
  public var share: Bool
  public var location: SourceLocation
}

/// A network backend. `tap` needs host privileges (declare `requires: [tap]`); qlearn names the tap interface.
public struct Netdev: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable { case user, tap }
  public var id: String
  public var kind: Kind
  public var queues: Int?
  public var vhost: Bool?
  public var location: SourceLocation
}

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

/// Words a lesson may add to the guest kernel's command line. qlearn owns the console, init and root settings; the rest
/// must look like `word` or `word=value` with characters that need no quoting.
public enum KernelArgument {
  public static let reserved: Set<String> = ["console", "init", "rdinit", "root", "earlyprintk", "panic"]

  public static func problem(with word: String) -> String? {
    let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
    let allowed: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "_.,:-=/".contains($0)) }
    if word.isEmpty || word.count > 128 || !word.allSatisfy(allowed) || name.isEmpty {
      return "'\(TerminalSafe.clip(word))' is not a kernel argument qlearn accepts: use word or word=value, with letters, digits and _ . , : - / only"
    }
    if reserved.contains(name) {
      return "'\(name)=' is set by qlearn itself (it owns the console, init and root)"
    }
    return nil
  }
}
