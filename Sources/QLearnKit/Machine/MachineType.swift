public enum MachineType: String, Sendable, Hashable, CaseIterable {
  /// i440FX with conventional PCI: the seed's default machine.
  case pc
  /// Q35 with PCI Express: root ports, switches, the Intel IOMMU.
  case q35

  public var rootBus: String { self == .pc ? "pci.0" : "pcie.0" }
}
