import Foundation

/// Lint rules for a lesson's machine: references resolve, nothing collides, and the numbers add up, so that a lesson
/// that passes lint gives QEMU a command line it accepts.
struct MachineRules {
  let machine: Machine
  let lesson: Lesson
  let sink: DiagnosticSink

  func check() {
    let before = sink.diagnostics.count
    checkIDs()
    checkBuses()
    checkReferences()
    checkCollisions()
    checkCPUsAndNUMA()
    checkMemory()
    checkNetworking()
    checkPassthrough()
    // QEMU would only repeat what the rules above found, less precisely.
    if sink.diagnostics.count == before { checkWithQEMU() }
  }

  private func devicePath(_ index: Int) -> String { "machine.devices[\(index)]" }

  private func checkIDs() {
    var seen: [String: SourceLocation] = [:]
    let ids =
      machine.devices.enumerated().compactMap { i, d in d.id.map { ($0, d.location, devicePath(i)) } }
    for (id, location, path) in ids {
      if let first = seen[id] {
        sink.error(location, path, "the device id '\(id)' is already used on line \(first.line)")
      }
      seen[id] = location
    }
    for group in [
      machine.disks.map { ($0.id, $0.location, "disks") },
      machine.memoryBackends.map { ($0.id, $0.location, "memory_backends") },
      machine.netdevs.map { ($0.id, $0.location, "netdevs") },
    ] {
      var ids: [String: SourceLocation] = [:]
      for (id, location, key) in group {
        if let first = ids[id] {
          sink.error(location, "machine.\(key)", "the id '\(id)' is already used on line \(first.line)")
        }
        ids[id] = location
      }
    }
  }

  /// The bus each device sits on: a declared device's id (the bus it offers) or one of the machine's own buses, which
  /// the bare machine's paused probe lists (q35's `ide.2`). Whether the device fits that bus is QEMU's call: the full
  /// probe (``checkWithQEMU()``) reports its refusal.
  private func checkBuses() {
    let providers = Dictionary(
      machine.devices.compactMap { d in d.id.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
    var builtIn: [String]?
    for (index, device) in machine.devices.enumerated() {
      let path = devicePath(index)
      guard let bus = device.bus, bus != machine.type.rootBus else { continue }
      if device.kind.needsRootBus {
        sink.error(
          device.location, "\(path).bus",
          "a \(device.kind.name) sits on the machine's root bus (\(machine.type.rootBus)), not on '\(bus)'",
          suggestion: "Remove 'bus:'.")
        continue
      }
      if providers[bus] != nil { continue }
      // QEMU's own name for a declared device's bus (`xhci.0`, `ahci.3`): the full probe checks it exists.
      if let dot = bus.lastIndex(of: "."), providers[String(bus[..<dot])] != nil,
        bus[bus.index(after: dot)...].allSatisfy(\.isNumber)
      {
        continue
      }
      if builtIn == nil { builtIn = bareMachineBuses() }
      guard let builtIn, !builtIn.isEmpty, !builtIn.contains(bus) else { continue }
      let listed = builtIn.filter { $0 != "main-system-bus" }.sorted()
      let declared = providers.keys.sorted()
      sink.error(
        device.location, "\(path).bus",
        "there is no bus '\(TerminalSafe.clip(bus))': no declared device has that id and the machine has no such bus"
          + Spelling.didYouMean(bus, in: declared + builtIn),
        suggestion: "Buses a '\(machine.type.rawValue)' machine has: \(listed.joined(separator: ", "))"
          + (declared.isEmpty ? "." : "; or name a declared device: \(declared.joined(separator: ", "))."))
    }
  }

  /// The buses of this machine type with no device declared (the built-in ones), from a cached paused probe.
  private func bareMachineBuses() -> [String] {
    var bare = Machine()
    bare.type = machine.type
    return MachineProbe.standard(bare)?.buses.map(\.name) ?? []
  }

  /// Starts the machine paused in QEMU and reports what QEMU refuses, at the device it names.
  func checkWithQEMU() {
    guard !machine.devices.isEmpty, let probe = MachineProbe.standard(machine) else { return }
    guard let error = probe.error else {
      checkDrivers(probe)
      return
    }
    let plan = BootPlan(
      accelerator: .tcg, kernel: URL(fileURLWithPath: "/"), initrd: nil, kernelArguments: [],
      sessionDirectory: URL(fileURLWithPath: "/"), qbootImage: nil)
    // QEMU names the option it refused: `qemu-system-x86_64: -device KIND,...: message`.
    var culprit: (index: Int, device: Device)?
    for (index, device) in machine.devices.enumerated() {
      var probed = device
      if probed.id == nil { probed.id = MachineProbe.probeID(index) }
      let option = QEMUCommandLine.deviceArguments(probed, machine: machine, plan: plan).last ?? ""
      if error.contains("-device \(option):") { culprit = (index, device) }
    }
    let message = error.components(separatedBy: ": ").dropFirst(culprit == nil ? 1 : 2).joined(separator: ": ")
    if let (index, device) = culprit {
      sink.error(
        device.location, devicePath(index), "QEMU refuses this \(device.kind.name): \(TerminalSafe.line(message))",
        suggestion: "`qemu-system-x86_64 -device \(device.kind.name),help` lists its properties; Lessons/README.md explains the machine.")
    } else {
      sink.error(
        lesson.locations["machine"] ?? SourceLocation(file: lesson.file, line: 1, column: 1), "machine",
        "QEMU refuses this machine: \(TerminalSafe.line(message))")
    }
  }

  /// A PCI device that no kernel in qlearn's cache has a driver for (neither a module alias nor a recorded built-in one
  /// matches its ids) is a warning naming the kernels and the ids: the guest would show it with no driver bound. Only
  /// when every kernel lacks one: kernels do not record their built-in drivers' PCI ids (Debian's 6.12 builds
  /// virtio_pci in), so one kernel's silence is not proof.
  func checkDrivers(_ probe: MachineProbe) {
    let cache = Paths.standard().cache
    let versions = KernelDrivers.cachedVersions(in: cache)
    guard !versions.isEmpty else { return }
    // The verdict is cached with the probe: reading two kernels' alias tables costs more than the rest of lint.
    let key = SHA256.hex(MachineProbe.hash(machine, facts: QEMUFacts.standard()) + versions.joined(separator: " "))
    let file = cache.appendingPathComponent("probes/drivers-\(key).json")
    var driverless: [Int]
    if let data = try? Data(contentsOf: file), let cached = try? JSONDecoder().decode([Int].self, from: data) {
      driverless = cached
    } else {
      let kernels = KernelDrivers.cached(in: cache)
      driverless = []
      for function in probe.functions where !driverless.contains(function.device) {
        if let code = function.classCode, code >> 8 == 0x06 { continue }
        if machine.devices[function.device].kind.isA("base-pci-bridge") { continue }
        let modalias = MachineProbe.pciModalias(function)
        if kernels.allSatisfy({ $0.drivers(forPCI: modalias).isEmpty }) { driverless.append(function.device) }
      }
      try? Paths.ensureDirectory(file.deletingLastPathComponent())
      try? JSONEncoder().encode(driverless).write(to: file, options: .atomic)
    }
    for index in driverless {
      guard let function = probe.functions.first(where: { $0.device == index }) else { continue }
      let device = machine.devices[index]
      let ids = MachineProbe.hex(function.vendor, 4).lowercased() + ":" + MachineProbe.hex(function.deviceID, 4).lowercased()
      let kernels = versions.count == 1 ? "kernel \(versions[0]) has" : "kernels \(versions.joined(separator: " and ")) have"
      sink.warning(
        device.location, devicePath(index),
        "\(kernels) no driver for this \(device.kind.name) (PCI \(ids), modalias \(MachineProbe.pciModalias(function)))",
        suggestion: "The guest will list the device with no driver bound; that is fine if the lesson drives it by hand (setpci, its BARs).")
    }
  }

  private func checkReferences() {
    let targets: [PropertyType: (ids: [String], what: String, key: String)] = [
      .disk: (machine.disks.map(\.id), "disk", "machine.disks"),
      .memoryBackend: (machine.memoryBackends.map(\.id), "memory backend", "machine.memory_backends"),
      .netdev: (machine.netdevs.map(\.id), "network backend", "machine.netdevs"),
    ]
    var users: [String: SourceLocation] = [:]
    for (index, device) in machine.devices.enumerated() {
      for name in device.properties.keys.sorted() {
        guard let value = device.properties[name], let type = device.kind.properties[name], let id = value.text
        else { continue }
        let location = device.propertyLocations[name] ?? device.location
        let path = "\(devicePath(index)).\(name)"
        if case .device(let wanted) = type {
          let candidates = machine.devices.filter { $0.kind.isA(wanted) }.compactMap(\.id)
          if !candidates.contains(id) {
            sink.error(
              location, path, "there is no \(wanted) device with the id '\(id)'" + Spelling.didYouMean(id, in: candidates),
              suggestion: "Declare a device of kind \(wanted) with that id under machine.devices.")
          }
          continue
        }
        guard let target = targets[type] else { continue }
        guard target.ids.contains(id) else {
          sink.error(
            location, path, "there is no \(target.what) with the id '\(id)'" + Spelling.didYouMean(id, in: target.ids),
            suggestion: "Declare it under \(target.key) or fix the id.")
          continue
        }
        let key = "\(type):\(id)"
        if let first = users[key] {
          sink.error(location, path, "the \(target.what) '\(id)' is already attached on line \(first.line); each can back only one device")
        }
        users[key] = location
      }
    }
    var logs: [String: SourceLocation] = [:]
    for (index, device) in machine.devices.enumerated() {
      guard let log = device.properties["log"]?.text else { continue }
      let location = device.propertyLocations["log"] ?? device.location
      if log == "console" || logs[log] != nil {
        sink.error(location, "\(devicePath(index)).log", "the log name '\(log)' is already taken" + (log == "console" ? " by the guest console" : ""))
      }
      logs[log] = location
    }
  }

  /// No two devices may share a PCI address on a bus, a chassis/slot pair, a bus number, or a SCSI address on an adapter.
  private func checkCollisions() {
    var claims: [String: SourceLocation] = [:]
    func claim(_ key: String, _ what: String, _ location: SourceLocation, _ path: String) {
      if let first = claims[key] {
        sink.error(location, path, "\(what) is already used on line \(first.line)")
      } else {
        claims[key] = location
      }
    }
    for (index, device) in machine.devices.enumerated() {
      let path = devicePath(index)
      let p = device.properties
      let at = { (name: String) in device.propertyLocations[name] ?? device.location }
      let bus = device.bus ?? machine.type.rootBus
      if let addr = p["addr"] {
        claim("addr:\(bus):\(addr)", "PCI address \(addr) on bus '\(bus)'", at("addr"), "\(path).addr")
      }
      if let nr = p["chassis_nr"]?.integer {
        claim("chassis:\(nr):0", "chassis number \(nr)", at("chassis_nr"), "\(path).chassis_nr")
      }
      if p["chassis"] != nil || p["slot"] != nil {
        let chassis = p["chassis"]?.integer ?? 0
        let slot = p["slot"]?.integer ?? 0
        claim(
          "chassis:\(chassis):\(slot)", "chassis \(chassis) slot \(slot)", at(p["chassis"] != nil ? "chassis" : "slot"),
          path)
      }
      if let nr = p["bus_nr"]?.integer {
        claim("bus_nr:\(nr)", "bus number \(nr)", at("bus_nr"), "\(path).bus_nr")
      }
      if device.kind.bus == "SCSI" {
        let channel = p["channel"]?.integer ?? 0
        let target = p["scsi-id"]?.integer ?? 0
        let lun = p["lun"]?.integer ?? 0
        claim(
          "scsi:\(bus):\(channel):\(target):\(lun)",
          "SCSI address channel \(channel), scsi-id \(target), lun \(lun) on '\(bus)'", device.location, path)
      }
      if let node = p["numa_node"]?.integer, node >= max(machine.numa.count, 1) {
        sink.error(
          at("numa_node"), "\(path).numa_node",
          "NUMA node \(node) does not exist: the machine declares \(machine.numa.count) node(s)",
          suggestion: "Declare the node under machine.numa or use a node from 0 to \(max(machine.numa.count - 1, 0)).")
      }
    }
  }

  private func checkCPUsAndNUMA() {
    let cpus = machine.cpus
    let at = lesson.locations["machine"] ?? SourceLocation(file: lesson.file, line: 1, column: 1)
    if let max = cpus.maxcpus, max < cpus.count {
      sink.error(at, "machine.cpus", "maxcpus (\(max)) is smaller than count (\(cpus.count))")
    }
    if cpus.sockets != nil || cpus.cores != nil || cpus.threads != nil {
      let product = (cpus.sockets ?? 1) * (cpus.cores ?? 1) * (cpus.threads ?? 1)
      if product != cpus.effectiveMax {
        sink.error(
          at, "machine.cpus",
          "sockets × cores × threads is \(product), but the machine has \(cpus.effectiveMax) CPU slots (maxcpus, or count)",
          suggestion: "Make the topology multiply out to \(cpus.effectiveMax).")
      }
    }
    guard !machine.numa.isEmpty else { return }
    var owner: [Int: Int] = [:]
    for (index, node) in machine.numa.enumerated() {
      for cpu in node.cpus {
        if let first = owner[cpu] {
          sink.error(node.location, "machine.numa[\(index)].cpus", "CPU \(cpu) is already in NUMA node \(first)")
        } else if cpu >= cpus.effectiveMax {
          sink.error(node.location, "machine.numa[\(index)].cpus", "CPU \(cpu) does not exist: the machine has CPUs 0 to \(cpus.effectiveMax - 1)")
        }
        owner[cpu] = owner[cpu] ?? index
      }
    }
    let missing = (0..<cpus.effectiveMax).filter { owner[$0] == nil }
    if !missing.isEmpty {
      sink.error(
        machine.numa[0].location, "machine.numa",
        "CPU(s) \(missing.map(String.init).joined(separator: ", ")) are in no NUMA node; each CPU must be in exactly one")
    }
    let total = machine.numa.reduce(UInt64(0)) { $0 + $1.memory.bytes }
    if total != machine.memory.size.bytes {
      sink.error(
        machine.numa[0].location, "machine.numa",
        "the NUMA nodes' memory adds up to \(ByteCount(bytes: total)), but the machine has \(machine.memory.size)",
        suggestion: "Make the nodes' memory add up to machine.memory.")
    }
  }

  private func checkMemory() {
    let memory = machine.memory
    let at = lesson.locations["machine"] ?? SourceLocation(file: lesson.file, line: 1, column: 1)
    if (memory.slots == nil) != (memory.maxmem == nil) {
      sink.error(at, "machine.memory", "slots and maxmem go together: set both to allow DIMMs and memory hotplug, or neither")
    }
    if let maxmem = memory.maxmem, maxmem <= memory.size {
      sink.error(at, "machine.memory.maxmem", "maxmem (\(maxmem)) must be larger than the boot memory (\(memory.size))")
    }
    let dimms = machine.devices.filter { $0.kind.isA("pc-dimm") }
    guard !dimms.isEmpty else { return }
    guard let slots = memory.slots, let maxmem = memory.maxmem else {
      sink.error(dimms[0].location, "machine.devices", "a \(dimms[0].kind.name) needs DIMM slots: set machine.memory.slots and maxmem")
      return
    }
    if dimms.count > slots {
      sink.error(dimms[slots].location, "machine.devices", "\(dimms.count) DIMMs but only \(slots) slots")
    }
    let backends = Dictionary(machine.memoryBackends.map { ($0.id, $0.size.bytes) }, uniquingKeysWith: { a, _ in a })
    let plugged = dimms.compactMap { $0.properties["memdev"]?.text }.compactMap { backends[$0] }.reduce(0, +)
    if memory.size.bytes + plugged > maxmem.bytes {
      sink.error(
        dimms[0].location, "machine.memory.maxmem",
        "boot memory plus DIMMs is \(ByteCount(bytes: memory.size.bytes + plugged)), more than maxmem (\(maxmem))")
    }
  }

  private func checkPassthrough() {
    for (index, device) in machine.devices.enumerated() where device.kind.name == "vfio-pci" {
      if !lesson.requires.contains(.vfio) {
        sink.error(
          device.location, "machine.devices[\(index)]",
          "a vfio-pci device needs a host device bound to vfio-pci, and the lesson does not say so",
          suggestion: "Add 'vfio' to the lesson's 'requires:' so qlearn can explain why it cannot run where there is none.")
      }
    }
  }

  private func checkNetworking() {
    for (index, netdev) in machine.netdevs.enumerated() {
      if netdev.kind == .tap, !lesson.requires.contains(.tap) {
        sink.error(
          netdev.location, "machine.netdevs[\(index)]",
          "a tap backend needs host privileges, and the lesson does not say so",
          suggestion: "Add 'tap' to the lesson's 'requires:' so qlearn can explain why it cannot run where tap is unavailable.")
      }
      if netdev.kind == .user, netdev.queues != nil || netdev.vhost != nil {
        sink.error(netdev.location, "machine.netdevs[\(index)]", "'queues' and 'vhost' apply to tap backends only")
      }
    }
  }
}
