import Foundation

/// The host PCI devices a lesson's `vfio-pci` devices can receive: those bound to the host's vfio-pci driver. qlearn
/// assigns them, so a lesson never names a host device; the learner picks one with `--vfio-device` when there are several.
public enum VFIOHost {
  public static let driverDirectory = "/sys/bus/pci/drivers/vfio-pci"

  /// `0000:01:00.0`: domain, bus, device, function, as sysfs and QEMU's `host=` spell them.
  public static func isValidAddress(_ text: String) -> Bool {
    text.range(of: "^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]$", options: .regularExpression) != nil
  }

  /// Every host device bound to vfio-pci now, sorted.
  public static func boundDevices(driverDirectory: String = driverDirectory) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: driverDirectory)) ?? []
    return entries.filter(isValidAddress).sorted()
  }

  /// One host device per `vfio-pci` device of `machine`, in declaration order: the chosen ones first, else the bound
  /// ones. Throws when there are too few, or a chosen one is not bound to vfio-pci (QEMU would fail less clearly).
  public static func assign(
    to machine: Machine, chosen: [String], bound: [String] = boundDevices()
  ) throws -> [String] {
    let needed = machine.devices.filter { $0.kind.name == "vfio-pci" }.count
    guard needed > 0 else { return [] }
    for address in chosen where !bound.contains(address) {
      throw LaunchError.vfioDevice(
        "the host device \(address) is not bound to vfio-pci (\(driverDirectory) has \(bound.isEmpty ? "none" : bound.joined(separator: ", ")))")
    }
    let pool = chosen.isEmpty ? bound : chosen
    guard pool.count >= needed else {
      throw LaunchError.vfioDevice(
        "the lesson passes \(needed) host device(s) through VFIO and \(pool.isEmpty ? "none is" : "only \(pool.count) is") bound to vfio-pci")
    }
    return Array(pool.prefix(needed))
  }
}
