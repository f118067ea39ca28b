/// Decodes `machine:` from a lesson's front matter into a ``Machine``.
struct MachineDecoder {
  let sink: DiagnosticSink
  /// What the installed QEMU has; nil when it is not installed (devices are then checked by the policy only).
  var facts: QEMUFacts? = QEMUFacts.standard()

  static let keys = [
    "type", "cpus", "memory", "numa", "firmware", "kernel_args", "disks", "memory_backends", "netdevs",
    "devices", "tools", "modules", "pcie_native_hotplug",
  ]

  func decode(_ reader: NodeReader) -> Machine? {
    guard let map = reader.mapping(known: Self.keys) else { return nil }
    defer { map.finish() }
    var machine = Machine()
    if let type = map.optional("type")?.enumeration(MachineType.self, what: "a machine type") {
      machine.type = type
    }
    if let cpus = map.optional("cpus").flatMap(decodeCPUs) { machine.cpus = cpus }
    if let memory = map.optional("memory").flatMap(decodeMemory) { machine.memory = memory }
    machine.numa = map.optional("numa")?.list(max: LessonLimits.numaNodes, of: "NUMA nodes", decodeNUMANode) ?? []
    if let firmware = map.optional("firmware")?.enumeration(Firmware.self, what: "a firmware") {
      machine.firmware = firmware
    }
    machine.kernelArguments =
      map.optional("kernel_args")?.list { item in
        guard let word = item.string() else { return nil }
        if let problem = KernelArgument.problem(with: word) {
          item.fail(problem)
          return nil
        }
        return word
      } ?? []
    if let disks = map.optional("disks") {
      machine.disks = disks.list(max: LessonLimits.disks, of: "disks", decodeDisk) ?? []
      let total = machine.disks.reduce(UInt64(0)) { $0 + $1.size.bytes }
      if total > LessonLimits.disksTotal.bytes {
        disks.fail(
          "the disks add up to \(ByteCount(bytes: total)), over the limit of \(LessonLimits.disksTotal) qlearn sets for a lesson",
          suggestion: "Give each disk what the lesson needs; 64M is plenty for most.")
      }
    }
    machine.memoryBackends =
      map.optional("memory_backends")?.list(max: LessonLimits.backends, of: "memory backends", decodeBackend) ?? []
    machine.netdevs = map.optional("netdevs")?.list(max: LessonLimits.netdevs, of: "netdevs", decodeNetdev) ?? []
    if let devices = map.optional("devices") {
      machine.devices = devices.list(max: LessonLimits.devices, of: "devices", decodeDevice) ?? []
      checkBusNesting(machine.devices, at: devices)
    }
    machine.modules =
      map.optional("modules")?.list { item in
        item.word(
          "a kernel module name (letters, digits, '_' and '-')",
          allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
      } ?? []
    if let native = map.optional("pcie_native_hotplug") {
      machine.pcieNativeHotplug = native.boolean() ?? false
      if machine.pcieNativeHotplug, machine.type != .q35 {
        native.fail("pcie_native_hotplug applies to q35 machines only", suggestion: "Set 'type: q35' or remove it.")
      }
    }
    machine.tools =
      map.optional("tools")?.list { item in
        guard let name = item.string() else { return nil }
        guard GuestTools.catalog[name] != nil else {
          item.fail(
            "qlearn does not know the guest tool '\(TerminalSafe.clip(name))'"
              + Spelling.didYouMean(name, in: GuestTools.catalog.keys),
            suggestion: "Tools qlearn can copy into the guest: \(GuestTools.catalog.keys.sorted().joined(separator: ", ")). Busybox applets need no entry.")
          return nil
        }
        return name
      } ?? []
    return machine
  }

  func decodeCPUs(_ reader: NodeReader) -> CPUTopology? {
    var cpus = CPUTopology()
    if case .scalar = reader.node.kind {
      guard let count = reader.integer(in: 1...64) else { return nil }
      cpus.count = count
      return cpus
    }
    guard case .mapping = reader.node.kind,
      let map = reader.mapping(known: ["count", "maxcpus", "sockets", "cores", "threads"])
    else {
      reader.mismatch("a CPU count, or a mapping with count, maxcpus, sockets, cores and threads")
      return nil
    }
    defer { map.finish() }
    cpus.count = map.required("count", "vCPUs online at boot")?.integer(in: 1...64) ?? 1
    cpus.maxcpus = map.optional("maxcpus")?.integer(in: 1...64)
    cpus.sockets = map.optional("sockets")?.integer(in: 1...64)
    cpus.cores = map.optional("cores")?.integer(in: 1...64)
    cpus.threads = map.optional("threads")?.integer(in: 1...8)
    return cpus
  }

  /// Refuses a chain of devices behind devices (bridge behind bridge...) deeper than ``LessonLimits/busNesting``. A
  /// device's `bus` names a declared device by id, or that device's bus as QEMU names it (`xhci.0`).
  func checkBusNesting(_ devices: [Device], at reader: NodeReader) {
    var parent: [String: String] = [:]
    for device in devices { if let id = device.id { parent[id] = device.bus } }
    func provider(_ bus: String) -> String? {
      if parent.keys.contains(bus) { return bus }
      if let dot = bus.lastIndex(of: "."), parent.keys.contains(String(bus[..<dot])) { return String(bus[..<dot]) }
      return nil
    }
    for device in devices {
      var depth = 0
      var bus = device.bus
      while let current = bus, let owner = provider(current) {
        depth += 1
        if depth > LessonLimits.busNesting {
          reader.fail(
            "a device here sits more than \(LessonLimits.busNesting) buses deep (or its buses form a loop)",
            suggestion: "Hang devices closer to the root bus; a lesson needs a few levels of bridges at most.")
          return
        }
        bus = parent[owner] ?? nil
      }
    }
  }

  func decodeMemory(_ reader: NodeReader) -> MemoryConfiguration? {
    var memory = MemoryConfiguration()
    if case .scalar = reader.node.kind {
      guard let size = reader.size(atMost: LessonLimits.memory, "the boot memory") else { return nil }
      memory.size = size
      return memory
    }
    guard case .mapping = reader.node.kind, let map = reader.mapping(known: ["size", "slots", "maxmem"]) else {
      reader.mismatch("a size such as 512M, or a mapping with size, slots and maxmem")
      return nil
    }
    defer { map.finish() }
    if let size = map.required("size", "boot memory, e.g. 1G")?.size(atMost: LessonLimits.memory, "the boot memory") {
      memory.size = size
    }
    memory.slots = map.optional("slots")?.integer(in: 1...32)
    memory.maxmem = map.optional("maxmem")?.size(atMost: LessonLimits.maxmem, "maxmem")
    return memory
  }

  func decodeNUMANode(_ reader: NodeReader) -> NUMANode? {
    guard let map = reader.mapping(known: ["memory", "cpus"]) else { return nil }
    defer { map.finish() }
    let memory = map.required("memory", "this node's memory, e.g. 2048M")?.size(atMost: LessonLimits.memory, "the node's memory")
    let cpus = map.required("cpus", "this node's CPUs: a list or a range like 0-1").flatMap(decodeCPUList)
    guard let memory, let cpus else { return nil }
    return NUMANode(memory: memory, cpus: cpus, location: reader.location)
  }

  /// `[0, 1]`, `"0-1"` or `"0-1,3"`, as QEMU's `cpus=` reads ranges.
  func decodeCPUList(_ reader: NodeReader) -> [Int]? {
    if case .sequence = reader.node.kind { return reader.list { $0.integer(in: 0...63) } }
    guard let text = reader.string() else { return nil }
    var cpus: [Int] = []
    for part in text.split(separator: ",") {
      let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high, high < 64 else {
        reader.fail("'\(TerminalSafe.clip(text))' is not a CPU list: write e.g. 0-1 or [0, 1]")
        return nil
      }
      cpus += Array(low...high)
    }
    return cpus
  }

  func decodeDisk(_ reader: NodeReader) -> Disk? {
    guard let map = reader.mapping(known: ["id", "size", "format"]) else { return nil }
    defer { map.finish() }
    let id = map.required("id", "the disk's id, which devices name in 'drive:'")?.identifier()
    let size = map.required("size", "the disk's size, e.g. 64M")?.size(atMost: LessonLimits.diskSize, "the disk")
    let format = map.optional("format")?.enumeration(Disk.Format.self, what: "a disk format") ?? .qcow2
    guard let id, let size else { return nil }
    return Disk(id: id, size: size, format: format, location: reader.location)
  }

  func decodeBackend(_ reader: NodeReader) -> MemoryBackend? {
    guard let map = reader.mapping(known: ["id", "type", "size", "share"]) else { return nil }
    defer { map.finish() }
    let id = map.required("id", "the backend's id, which a DIMM names in 'memdev:'")?.identifier()
    let kind = map.optional("type")?.enumeration(MemoryBackend.Kind.self, what: "a memory backend type") ?? .ram
    let size = map.required("size", "the backend's size, e.g. 256M")?.size(atMost: LessonLimits.backendSize, "the backend")
    let share = map.optional("share")?.boolean() ?? (kind == .file)
    guard let id, let size else { return nil }
    return MemoryBackend(id: id, kind: kind, size: size, share: share, location: reader.location)
  }

  func decodeNetdev(_ reader: NodeReader) -> Netdev? {
    guard let map = reader.mapping(known: ["id", "type", "queues", "vhost"]) else { return nil }
    defer { map.finish() }
    let id = map.required("id", "the backend's id, which a network card names in 'netdev:'")?.identifier()
    let kind = map.required("type", "user or tap")?.enumeration(Netdev.Kind.self, what: "a network backend type")
    let queues = map.optional("queues")?.integer(in: 1...16)
    let vhost = map.optional("vhost")?.boolean()
    guard let id, let kind else { return nil }
    return Netdev(id: id, kind: kind, queues: queues, vhost: vhost, location: reader.location)
  }

  func decodeDevice(_ reader: NodeReader) -> Device? {
    guard case .mapping(let pairs) = reader.node.kind else {
      reader.mismatch("a device: a mapping with 'kind:' and its properties")
      return nil
    }
    guard let kindPair = pairs.first(where: { $0.key.scalar == "kind" }),
      let kindName = NodeReader(kindPair.value, path: "\(reader.path).kind", sink: sink).string()
    else {
      reader.fail(
        "this device has no 'kind'",
        suggestion: "Start it with 'kind:' and a QEMU device name, e.g. 'kind: nvme'.")
      return nil
    }
    let kindLocation = kindPair.value.location
    if let refusal = DevicePolicy.refusal(ofKind: kindName) {
      sink.error(
        kindLocation, "\(reader.path).kind", "a lesson cannot use '\(TerminalSafe.clip(kindName))': \(refusal)",
        suggestion: "Lessons/README.md, 'What a lesson can never set', explains why.")
      return nil
    }
    guard let kind = Self.kind(named: kindName, facts: facts) else {
      let names = facts.map { Array($0.kinds.keys) } ?? []
      sink.error(
        kindLocation, "\(reader.path).kind",
        "the installed QEMU has no device '\(TerminalSafe.clip(kindName))'" + Spelling.didYouMean(kindName, in: names),
        suggestion: "`qemu-system-x86_64 -device help` lists the \(names.count) kinds it has.")
      return nil
    }
    let written = pairs.compactMap(\.key.scalar).filter { !["kind", "id", "bus"].contains($0) }
    let known = ["kind", "id", "bus"] + kind.properties.keys.sorted() + kind.refused.keys.sorted()
      + (facts == nil ? written : [])
    let map = MappingReader(pairs: pairs, reader: reader, known: known)
    defer { map.finish() }
    let id = map.optional("id")?.identifier()
    let bus = map.optional("bus")?.word(
      "a bus name: letters, digits, '-', '_' and '.'",
      allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
    var properties: [String: PropertyValue] = [:]
    var locations: [String: SourceLocation] = [:]
    for name in written where known.contains(name) {
      guard let value = map.optional(name) else { continue }
      locations[name] = value.location
      if let reason = kind.refused[name] {
        value.fail(
          "a lesson cannot set '\(name)' on a \(kind.name): \(reason)",
          suggestion: "Lessons/README.md, 'What a lesson can never set', explains why.")
        continue
      }
      if facts == nil, let reason = DevicePolicy.refusal(ofProperty: name, type: "str") {
        value.fail("a lesson cannot set '\(name)': \(reason)")
        continue
      }
      guard let type = kind.properties[name] ?? (facts == nil ? Self.untypedGuess(value) : nil) else { continue }
      if let decoded = decodeProperty(value, type: type) { properties[name] = decoded }
    }
    return Device(
      kind: kind, id: id, bus: bus, properties: properties, location: reader.location,
      propertyLocations: locations)
  }

  /// The kind as the policy lets a lesson use it; without QEMU (nothing to ask), any name, with untyped properties
  /// that still pass the policy's name rules and the token character set.
  static func kind(named name: String, facts: QEMUFacts?) -> DeviceKind? {
    guard let facts else {
      guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else { return nil }
      return DeviceKind(name, legacyInterrupts: true)
    }
    return DevicePolicy.kind(named: name, facts: facts)
  }

  /// Without QEMU to ask: a whole number, a boolean, else a token.
  static func untypedGuess(_ reader: NodeReader) -> PropertyType {
    guard case .scalar(let text, let plain) = reader.node.kind, plain else { return .token(maxLength: 64) }
    if NodeReader.parseInteger(text) != nil { return .integer(Int.min...Int.max) }
    if ["true", "false", "on", "off"].contains(text.lowercased()) { return .boolean }
    return .token(maxLength: 64)
  }

  func decodeProperty(_ reader: NodeReader, type: PropertyType) -> PropertyValue? {
    switch type {
    case .token(let maxLength):
      return reader.word(
        "letters, digits, '-', '_', '.' or ':' (at most \(maxLength))",
        allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) },
        maxLength: maxLength
      ).map(PropertyValue.text)
    case .integer(let range):
      return reader.integer(in: range).map(PropertyValue.integer)
    case .boolean:
      return reader.boolean().map(PropertyValue.boolean)
    case .choice(let choices):
      guard let text = reader.string() else { return nil }
      if choices.contains("on"), choices.contains("off"),
        let flag = ["true": "on", "yes": "on", "false": "off", "no": "off"][text.lowercased()]
      {
        return .text(flag)
      }
      guard choices.contains(text) else {
        reader.fail(
          "'\(TerminalSafe.clip(text))' is not one of QEMU's choices: \(choices.joined(separator: ", "))"
            + Spelling.didYouMean(text, in: choices))
        return nil
      }
      return .text(text)
    case .word:
      return reader.word(
        "a word QEMU knows (letters, digits, '-' or '_')",
        allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
      ).map(PropertyValue.text)
    case .size:
      return reader.size().map { .integer(Int(clamping: $0.bytes)) }
    case .disk, .memoryBackend, .netdev, .device, .hostLog:
      return reader.identifier().map(PropertyValue.text)
    case .pciAddress:
      return decodeAddress(reader)
    }
  }

  /// `0x3`, `3`, or `0x3.1` (slot.function), as QEMU writes `addr=`.
  func decodeAddress(_ reader: NodeReader) -> PropertyValue? {
    guard let text = reader.string() else { return nil }
    let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
    guard let slot = parts.first.flatMap(NodeReader.parseInteger), (0...31).contains(slot) else {
      reader.fail("'\(TerminalSafe.clip(text))' is not a PCI slot: use 0x0 to 0x1f, optionally .0 to .7 for the function")
      return nil
    }
    let function = parts.count > 1 ? Int(parts[1]) : 0
    guard let function, (0...7).contains(function) else {
      reader.fail("'\(TerminalSafe.clip(text))' has a PCI function outside 0 to 7")
      return nil
    }
    return .address(slot: slot, function: function)
  }
}
