/// Something the host must offer for a lesson to run; a lesson that cannot run here says which and why.
public enum HostRequirement: String, Sendable, Hashable, CaseIterable {
  /// A working `/dev/kvm` (TCG is too slow or lacks the feature).
  case kvm
  /// Creating tap interfaces (`/dev/net/tun` and CAP_NET_ADMIN, in practice root).
  case tap
  /// A host PCI device bound to `vfio-pci`.
  case vfio
  /// Root privileges for something else on the host.
  case root
  /// A guest that reaches past QEMU's user-mode network: the host's own services (10.0.2.2 is the host's loopback)
  /// and the internet. Without it a user netdev is restricted (`restrict=on`); with it the learner must consent once
  /// per lesson (`qlearn start --allow-network`).
  case network

  public var explanation: String {
    switch self {
    case .kvm: "a working /dev/kvm"
    case .tap: "tap networking (/dev/net/tun and root or CAP_NET_ADMIN)"
    case .vfio: "a host PCI device bound to the vfio-pci driver"
    case .root: "root privileges on the host"
    case .network: "network access from the guest to your computer's services and the internet"
    }
  }
}
