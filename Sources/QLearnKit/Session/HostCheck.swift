import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Whether this host offers what a lesson requires, and if not, why, in words a learner can act on.
public enum HostCheck {
  public static func problem(with requirement: HostRequirement) -> String? {
    switch requirement {
    case .kvm:
      return AcceleratorChoice.kvmDeviceProblem()
    case .tap:
      if access("/dev/net/tun", R_OK | W_OK) != 0 { return "/dev/net/tun is missing or not writable" }
      if geteuid() != 0 { return "creating tap interfaces needs root (or CAP_NET_ADMIN); run qlearn as root" }
      return nil
    case .vfio:
      return VFIOHost.boundDevices().isEmpty
        ? "no host device is bound to vfio-pci (\(VFIOHost.driverDirectory) lists none)" : nil
    case .root:
      return geteuid() == 0 ? nil : "qlearn is not running as root"
    case .network:
      return nil  // a learner's consent, not a host's capability: ``NetworkConsent``
    }
  }

  /// Every unmet requirement of `lesson`, as (requirement, why).
  public static func unmet(_ lesson: Lesson) -> [(HostRequirement, String)] {
    lesson.requires.compactMap { requirement in problem(with: requirement).map { (requirement, $0) } }
  }
}
