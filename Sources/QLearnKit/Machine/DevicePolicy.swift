/// What a lesson may set on a QEMU device, in one place. A lesson is untrusted text that runs on the learner's host, so
/// nothing it declares may reach the host beyond the virtual machine qlearn builds. The policy is an allow-list of
/// QEMU property *types* (not of devices), plus the few device kinds and property names that hand host resources to
/// the guest whatever their type. Lessons/README.md ("What a lesson can never set") documents it for authors.
public enum DevicePolicy {
  /// Why a device kind is refused, or nil. These kinds exist to give the guest something of the host's.
  public static func refusal(ofKind name: String) -> String? {
    if name.hasPrefix("x-") {
      return "'\(name)' is an experimental QEMU device (x-*), which QEMU may change or drop in any release"
    }
    if name.hasPrefix("vhost-") {
      return "a \(name) hands the device to a host process or the host kernel (vhost), outside the virtual machine"
    }
    if name.hasPrefix("vfio-"), name != "vfio-pci" {
      return "a \(name) passes a host device to the guest; only vfio-pci is allowed, with 'requires: [vfio]'"
    }
    if name.hasPrefix("ivshmem") {
      return "an \(name) shares memory (and, with a server, a host socket) with host processes"
    }
    if name == "usb-host" || name == "usb-redir" || name.contains("passthru") || name.hasSuffix("-host")
      || name.contains("-host-")
    {
      return "a \(name) hands a host device (USB, input, smart card or security key) to the guest"
    }
    return nil
  }

  /// Words of a property name (split at `-` and `_`) that name a host file, directory, socket, file descriptor or
  /// device: whatever the property's type, a lesson never chooses one (qlearn chooses every host path itself).
  static func namesHostObject(_ name: String) -> Bool {
    let words = name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
    return words.contains { word in
      ["fd", "db", "host", "initrd", "kernel"].contains(word) || word.hasPrefix("host")
        || ["fd", "file", "path", "dir", "dev"].contains(where: word.hasSuffix)
        || ["file", "path", "sock", "sysfs", "hidraw", "cert", "pcap"].contains(where: word.contains)
    }
  }

  /// Why a property is refused whatever its value, or nil.
  public static func refusal(ofProperty name: String, type: String) -> String? {
    if name.hasPrefix("x-") {
      return "'\(name)' is an experimental QEMU property (x-*), which QEMU may change or drop in any release"
    }
    // Only text can name a path, a socket or a device node: `host_mtu` (a number) and `ioeventfd` (a switch) are fine.
    if type == "str" || type == "string" || type == "strList", namesHostObject(name) {
      return "'\(name)' names a host file, directory, socket or device; qlearn chooses every host path itself"
    }
    return nil
  }

  /// The lesson-side type of a QEMU property, or the reason a lesson cannot set it.
  public static func type(
    of property: QEMUFacts.Property, named name: String, facts: QEMUFacts?
  ) -> Result<PropertyType, Refusal> {
    let description = property.description ?? ""
    // References: to objects qlearn builds from the lesson's own declarations, and nothing else.
    if name == "drive" || description.hasPrefix("Node name or ID of a block device") { return .success(.disk) }
    if description.hasPrefix("ID of a netdev") || name == "netdev" { return .success(.netdev) }
    if description.hasPrefix("ID of a chardev") || name == "chardev" {
      return .failure(Refusal("a chardev is built by qlearn only: write 'log: NAME' for a log qlearn keeps on the host"))
    }
    if description.hasPrefix("ID of a") {
      let what = description.dropFirst("ID of a".count).split(separator: " ").first.map(String.init) ?? "backend"
      return .failure(Refusal("qlearn builds no \(what.trimmingCharacters(in: .whitespaces)) backend a lesson can name"))
    }
    if property.type.hasPrefix("link<"), property.type.hasSuffix(">") {
      let target = String(property.type.dropFirst(5).dropLast())
      if target == "memory-backend" { return .success(.memoryBackend) }
      if let facts, facts.kinds[target] != nil || facts.kinds.values.contains(where: { $0.ancestors.contains(target) }) {
        return .success(.device(target))
      }
      return .failure(Refusal("it links to a QEMU \(target) object, which a lesson cannot declare"))
    }
    if let refusal = refusal(ofProperty: name, type: property.type) { return .failure(Refusal(refusal)) }
    if name == "addr", description.hasPrefix("Slot") { return .success(.pciAddress) }
    switch property.type {
    case "bool": return .success(.boolean)
    case "uint4": return .success(.integer(0...15))
    case "uint8": return .success(.integer(0...Int(UInt8.max)))
    case "uint16": return .success(.integer(0...Int(UInt16.max)))
    case "uint32": return .success(.integer(0...Int(UInt32.max)))
    case "uint64": return .success(.integer(0...Int.max))
    case "int8": return .success(.integer(Int(Int8.min)...Int(Int8.max)))
    case "int16": return .success(.integer(Int(Int16.min)...Int(Int16.max)))
    case "int32": return .success(.integer(Int(Int32.min)...Int(Int32.max)))
    case "int", "int64": return .success(.integer(Int.min...Int.max))
    case "size": return .success(.size)
    case "str", "string": return .success(.token(maxLength: 64))
    default: break
    }
    // QEMU enums are named in CamelCase (OnOffAuto, LostTickPolicy, BlockdevOnError).
    if let first = property.type.first, first.isUppercase, property.type.allSatisfy({ $0.isLetter || $0.isNumber }),
      !["GuestPanicInformation", "X86CPUFeatureWordInfo", "QemuUUID"].contains(property.type)
    {
      let choices = enumChoices(description)
      return .success(choices.isEmpty ? .word : .choice(choices))
    }
    return .failure(Refusal("QEMU's type '\(property.type)' for it is not one a lesson can set"))
  }

  /// The choices QEMU lists at the end of an enum property's description: `on/off/auto`, or
  /// `Error handling policy, report/ignore/enospc/stop/auto`.
  static func enumChoices(_ description: String) -> [String] {
    let last = description.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    let words = last.split(separator: "/").map(String.init)
    guard words.count >= 2,
      words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } })
    else { return [] }
    return words
  }

  /// Whether a guest driver for this kind may rely on the PCI INTx pin: QEMU does not publish which drivers use MSI,
  /// so an unknown PCI device keeps ACPI's interrupt routing (the safe default). Bridges raise no interrupts a driver
  /// waits on; a kind with an MSI or MSI-X setting (`msi`, `msix`, `vectors`, `msix_qsize`) uses message interrupts.
  /// Two NICs whose MSI is not a QEMU setting are the exception QEMU cannot tell: e1000e and vmxnet3 (their Linux
  /// drivers enable MSI-X whenever the device offers it, and QEMU's models always do).
  public static func mayUseINTx(_ kind: DeviceKind, facts: QEMUFacts.Kind?) -> Bool {
    guard kind.isPCI else { return false }
    if kind.namesBusByID || kind.isA("pci-host-bridge") { return false }
    if kind.name == "e1000e" || kind.name == "vmxnet3" { return false }
    let properties = facts?.properties.keys.map { $0 } ?? Array(kind.properties.keys)
    let messageSettings: Set<String> = ["msi", "msix", "vectors", "msix_qsize", "msi_vectors"]
    return !properties.contains(where: messageSettings.contains)
  }

  public struct Refusal: Error, Sendable, Hashable {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// The kind as a lesson may use it: QEMU's facts with each property typed, or refused with a reason.
  public static func kind(named name: String, facts: QEMUFacts) -> DeviceKind? {
    guard let fact = facts.kinds[name] else { return nil }
    var kind = DeviceKind(name, summary: fact.summary ?? "", bus: fact.bus, ancestors: fact.ancestors)
    for (property, info) in fact.properties {
      switch type(of: info, named: property, facts: facts) {
      case .success(let type): kind.properties[property] = type
      case .failure(let refusal): kind.refused[property] = refusal.reason
      }
    }
    if fact.properties["chardev"] != nil, kind.properties["log"] == nil { kind.properties["log"] = .hostLog }
    kind.legacyInterrupts = mayUseINTx(kind, facts: fact)
    return kind
  }
}
