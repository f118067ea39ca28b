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
