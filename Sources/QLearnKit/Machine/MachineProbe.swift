import Foundation

/// What QEMU itself says about a lesson's machine: it is started paused (`-S`, no kernel, no firmware run, backends
/// replaced by ones that touch nothing on the host) with the lesson's devices, and asked for its bus tree (`info qtree`)
/// and the PCI functions' ids (`query-pci`, and the class register through the 0xcf8 ports for functions on a root
/// bus). QEMU refusing the machine is a lint error with QEMU's own words. Cached by machine hash.
public struct MachineProbe: Sendable, Codable, Equatable {
  public struct Bus: Sendable, Codable, Equatable {
    public var name: String
    /// QEMU's bus type: `PCI`, `PCIE`, `IDE`, `SCSI`, `usb-bus`, ...
    public var type: String
    /// The id of the device that offers it, when it has one.
    public var owner: String?
  }

  /// One PCI function of a device the lesson declared.
  public struct Function: Sendable, Codable, Equatable {
    /// The lesson's device index (qlearn gives every device a probe id `qlearn-probe-N`).
    public var device: Int
    public var vendor: Int
    public var deviceID: Int
    public var subsystemVendor: Int
    public var subsystem: Int
    /// Base class and subclass (`0x0108`), when QEMU says.
    public var classCode: Int?
    public var progIF: Int?
  }

  public var buses: [Bus]
  public var functions: [Function]
  /// QEMU's error when it refused the machine.
  public var error: String?

  static let format = 4

  /// The probe id of device `index`: every device gets one in the probe, so its functions can be told apart.
  static func probeID(_ index: Int) -> String { "qlearn-probe-\(index)" }

  /// QEMU's argv for the paused probe: the lesson's machine as qlearn builds it, with disks on `null-co` block nodes,
  /// memory backends in RAM, user networking, logs on `null` chardevs, and no kernel. vfio-pci devices are left out
  /// (they need a host device).
  static func arguments(for machine: Machine) -> [String] {
    var argv: [String] = []
    func add(_ flag: String, _ value: String) { argv += [flag, value] }
    add("-machine", QEMUCommandLine.option(
      machine.type.rawValue, [("hpet", "off")] + (machine.hasNVDIMM ? [("nvdimm", "on")] : [])))
    add("-accel", "tcg")
    if machine.pcieNativeHotplug { add("-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off") }
    argv += ["-S", "-nodefaults", "-no-user-config", "-display", "none"]
    add("-smp", QEMUCommandLine.smp(machine.cpus))
    var memory: [(String, String)] = [("size", machine.memory.size.description)]
    if let slots = machine.memory.slots { memory.append(("slots", String(slots))) }
    if let maxmem = machine.memory.maxmem { memory.append(("maxmem", maxmem.description)) }
    add("-m", QEMUCommandLine.keyValues(memory))
    for (index, node) in machine.numa.enumerated() {
      add("-object", QEMUCommandLine.option("memory-backend-ram", [("id", "numa-ram\(index)"), ("size", node.memory.description)]))
      add("-numa", QEMUCommandLine.option("node", [("nodeid", String(index))] + QEMUCommandLine.cpuRanges(node.cpus).map { ("cpus", $0) } + [("memdev", "numa-ram\(index)")]))
    }
    for disk in machine.disks {
      add("-blockdev", QEMUCommandLine.keyValues([("driver", "null-co"), ("node-name", disk.id), ("size", String(disk.size.bytes))]))
    }
    for backend in machine.memoryBackends {
      var pairs: [(String, String)] = [("id", backend.id), ("size", backend.size.description)]
      if backend.share { pairs.append(("share", "on")) }
      add("-object", QEMUCommandLine.option("memory-backend-ram", pairs))
    }
    for netdev in machine.netdevs { add("-netdev", QEMUCommandLine.option("user", [("id", netdev.id)])) }
    let plan = BootPlan(
      accelerator: .tcg, kernel: URL(fileURLWithPath: "/nonexistent"), initrd: nil, kernelArguments: [],
      sessionDirectory: URL(fileURLWithPath: "/nonexistent"), qbootImage: nil)
    for (index, device) in machine.devices.enumerated() where device.kind.name != "vfio-pci" {
      var probed = device
      if probed.id == nil { probed.id = probeID(index) }
      var words = QEMUCommandLine.deviceArguments(probed, machine: machine, plan: plan)
      // A log chardev becomes a null one: the probe writes nothing on the host.
      for i in words.indices where i > 0 && words[i - 1] == "-chardev" && words[i].hasPrefix("file,") {
        let id = words[i].split(separator: ",").first { $0.hasPrefix("id=") } ?? "id=log"
        words[i] = "null,\(id)"
      }
      argv += words
    }
    return argv
  }

  /// The machine's identity for the cache: the probe's argv and the QEMU binary's stamp.
  static func hash(_ machine: Machine, facts: QEMUFacts?) -> String {
    SHA256.hex("\(format)\n\(facts?.binary ?? "")\n" + arguments(for: machine).joined(separator: "\n"))
  }

  /// Probes `machine`, or returns the cached answer for the same machine and QEMU binary.
  public static func load(
    _ machine: Machine, cacheDirectory: URL, binary: String = QEMUCapabilities.defaultBinary
  ) throws -> MachineProbe? {
    guard let path = Command.which(binary)?.path else { return nil }
    let facts = try QEMUFacts.load(cacheDirectory: cacheDirectory, binary: binary)
    let key = hash(machine, facts: facts)
    let file = cacheDirectory.appendingPathComponent("probes").appendingPathComponent(key + ".json")
    if let data = try? Data(contentsOf: file), let probe = try? JSONDecoder().decode(Self.self, from: data) {
      return probe
    }
    let probe = try run(machine, binary: path)
    try Paths.ensureDirectory(file.deletingLastPathComponent())
    try JSONEncoder().encode(probe).write(to: file, options: .atomic)
    return probe
  }

  /// The probe from this user's cache directory; nil when QEMU is not installed or cannot be run.
  public static func standard(_ machine: Machine) -> MachineProbe? {
    try? load(machine, cacheDirectory: Paths.standard().cache)
  }

  static func run(_ machine: Machine, binary: String) throws -> MachineProbe {
    let argv = arguments(for: machine)
    let first = try QMPBatch.run(
      binary: binary, arguments: argv,
      commands: [("human-monitor-command", ["command-line": "info qtree"]), ("query-pci", nil)])
    guard first.replies.count == 2, case .value(let qtree as String) = first.replies[0] else {
      let message = first.stderr.split(separator: "\n").first.map(String.init) ?? "QEMU exited with status \(first.status)"
      return MachineProbe(buses: [], functions: [], error: message)
    }
    var placements: Placements = [:]
    var probe = parseQTree(qtree, machine: machine, placements: &placements)
    var rootFunctions: [(bus: Int, slot: Int, function: Int, id: String, classCode: Int)] = []
    if case .value(let buses as [[String: Any]]) = first.replies[1] {
      for bus in buses {
        for device in bus["devices"] as? [[String: Any]] ?? [] {
          guard let id = device["qdev_id"] as? String, let slot = device["slot"] as? Int,
            let function = device["function"] as? Int, let number = device["bus"] as? Int,
            let classInfo = device["class_info"] as? [String: Any], let classCode = classInfo["class"] as? Int
          else { continue }
          rootFunctions.append((number, slot, function, id, classCode))
        }
      }
    }
    let registers = try bus0ClassRegisters(binary: binary, argv: argv, functions: bus0Functions(probe, placements, rootFunctions, machine))
    func classRegister(slot: Int, function: Int) -> Int? { registers[slot * 8 + function] }
    try readClassesBehindBridges(
      &probe, machine: machine, placements: placements, rootFunctions: rootFunctions.map { ($0.bus, $0.id) },
      binary: binary, argv: argv)
    for index in probe.functions.indices {
      let id = machine.devices[probe.functions[index].device].id ?? probeID(probe.functions[index].device)
      if let root = rootFunctions.first(where: { $0.id == id }) {
        probe.functions[index].classCode = root.classCode
        if root.bus == 0, let register = classRegister(slot: root.slot, function: root.function) {
          probe.functions[index].progIF = (register >> 8) & 0xFF
        }
      } else if probe.functions[index].classCode == nil,
        let place = placements[builtInKey(probe.functions[index].device)], place.bus == machine.type.rootBus,
        let register = classRegister(slot: place.slot, function: place.function)
      {
        probe.functions[index].classCode = register >> 16
        probe.functions[index].progIF = (register >> 8) & 0xFF
      }
    }
    return probe
  }

  /// The functions of bus 0 whose class register the probe reads: the declared devices QEMU placed there and the
  /// machine's built-in functions (query-pci gives the class but not the programming interface, which some drivers
  /// match: xhci, ahci, nvme).
  static func bus0Functions(
    _ probe: MachineProbe, _ placements: Placements,
    _ rootFunctions: [(bus: Int, slot: Int, function: Int, id: String, classCode: Int)], _ machine: Machine
  ) -> [(slot: Int, function: Int)] {
    var wanted = rootFunctions.filter { $0.bus == 0 }.map { (slot: $0.slot, function: $0.function) }
    for function in probe.functions {
      if let place = placements[builtInKey(function.device)], place.bus == machine.type.rootBus {
        wanted.append((place.slot, place.function))
      }
    }
    var seen = Set<Int>()
    return wanted.filter { seen.insert($0.slot * 8 + $0.function).inserted }
  }

  /// Functions on bus 0 answer configuration reads at 0xcf8/0xcfc before any firmware ran. Read only the functions
  /// asked for, in a second paused QEMU: QMP takes its input a byte at a time (four system calls each), so reading
  /// all 256 functions of the bus cost seconds where these few cost milliseconds. Keyed by `slot * 8 + function`.
  static func bus0ClassRegisters(binary: String, argv: [String], functions: [(slot: Int, function: Int)]) throws
    -> [Int: Int]
  {
    guard !functions.isEmpty else { return [:] }
    var commands: [(String, [String: Any]?)] = []
    for (slot, function) in functions {
      commands.append(("human-monitor-command", ["command-line": "o /w 0xcf8 " + configAddress(0, slot, function, 0x08)]))
      commands.append(("human-monitor-command", ["command-line": "i /w 0xcfc"]))
    }
    let batch = try QMPBatch.run(binary: binary, arguments: argv, commands: commands)
    var registers: [Int: Int] = [:]
    for (index, (slot, function)) in functions.enumerated() where 2 * index + 1 < batch.replies.count {
      guard let value = register(batch.replies[2 * index + 1]) else { continue }
      registers[slot * 8 + function] = value
    }
    return registers
  }

  /// Devices behind a PCI bridge are not reachable by configuration cycles before firmware numbers the bridges, so
  /// QEMU shows no class for them. qlearn numbers the bridges itself in a second paused QEMU (writing each bridge's
  /// primary/secondary/subordinate register through 0xcf8/0xcfc, as firmware would) and reads their class registers.
  static func readClassesBehindBridges(
    _ probe: inout MachineProbe, machine: Machine, placements: Placements, rootFunctions: [(bus: Int, id: String)],
    binary: String, argv: [String]
  ) throws {
    let unknown = probe.functions.indices.filter { probe.functions[$0].classCode == nil }
    guard !unknown.isEmpty else { return }
    var numbers: [String: Int] = [machine.type.rootBus: 0]
    for root in rootFunctions where root.bus != 0 {
      if let bus = placements[root.id]?.bus { numbers[bus] = root.bus }
    }
    let pciBuses = probe.buses.filter { $0.type == "PCI" || $0.type == "PCIE" }
    var next = (rootFunctions.map(\.bus).max() ?? 0) + 1
    var writes: [String] = []
    func number(_ bus: String, _ busNumber: Int) {
      for (id, place) in placements.sorted(by: { $0.key < $1.key }) where place.bus == bus {
        guard let child = pciBuses.first(where: { $0.owner == id }), next < 255 else { continue }
        let secondary = next
        next += 1
        numbers[child.name] = secondary
        let index = writes.count
        writes.append("")
        number(child.name, secondary)
        let register = busNumber | (secondary << 8) | ((next - 1) << 16)
        writes[index] = configAddress(busNumber, place.slot, place.function, 0x18) + " \(register)"
      }
    }
    for (bus, busNumber) in numbers.sorted(by: { $0.value < $1.value }) { number(bus, busNumber) }
    var commands: [(String, [String: Any]?)] = []
    for write in writes {
      let parts = write.split(separator: " ")
      commands.append(("human-monitor-command", ["command-line": "o /w 0xcf8 \(parts[0])"]))
      commands.append(("human-monitor-command", ["command-line": "o /w 0xcfc \(parts[1])"]))
    }
    var reads: [(index: Int, reply: Int)] = []
    for index in unknown {
      let id = machine.devices[probe.functions[index].device].id ?? probeID(probe.functions[index].device)
      guard let place = placements[id], let busNumber = numbers[place.bus] else { continue }
      commands.append(("human-monitor-command", ["command-line": "o /w 0xcf8 " + configAddress(busNumber, place.slot, place.function, 0x08)]))
      commands.append(("human-monitor-command", ["command-line": "i /w 0xcfc"]))
      reads.append((index, commands.count - 1))
    }
    guard !reads.isEmpty else { return }
    let result = try QMPBatch.run(binary: binary, arguments: argv, commands: commands)
    for (index, reply) in reads where reply < result.replies.count {
      guard let value = register(result.replies[reply]) else { continue }
      probe.functions[index].classCode = value >> 16
      probe.functions[index].progIF = (value >> 8) & 0xFF
    }
  }

  /// The value an HMP `i /w 0xcfc` printed (the hex after its last `=`), or nil for no function there (all ones) or no
  /// answer.
  static func register(_ reply: QMPBatch.Reply) -> Int? {
    guard case .value(let text as String) = reply,
      let hex = text.split(separator: "=").last.map({ String($0).filter { !$0.isWhitespace && !$0.isNewline } }),
      let value = Int(hex.dropFirst(2), radix: 16), value != 0xFFFF_FFFF
    else { return nil }
    return value
  }

  static func configAddress(_ bus: Int, _ slot: Int, _ function: Int, _ register: Int) -> String {
    "0x" + String(0x8000_0000 | (bus << 16) | (slot << 11) | (function << 8) | register, radix: 16)
  }

  /// The placements key of the machine's own controller behind lesson device `index`'s bus.
  static func builtInKey(_ index: Int) -> String { "qlearn-builtin-\(index)" }

  /// Where a PCI device sits: its bus's name, slot and function (from `addr 00:03.0`), by device id.
  typealias Placements = [String: (bus: String, slot: Int, function: Int)]

  static func parseQTree(_ text: String, machine: Machine) -> MachineProbe {
    var placements: Placements = [:]
    return parseQTree(text, machine: machine, placements: &placements)
  }

  /// `bus: NAME` / `type T` / `dev: KIND, id "ID"` / `class DESC, addr 00:03.0, pci id 8086:25ab (sub 1af4:1100)`.
  static func parseQTree(_ text: String, machine: Machine, placements: inout Placements) -> MachineProbe {
    var buses: [Bus] = []
    var busStack: [(indent: Int, name: String)] = []
    var currentID: String?
    var functions: [Function] = []
    // The device owning each indentation level, nearest last.
    var owners: [(indent: Int, id: String?, function: (Function, slot: Int, number: Int)?)] = []
    // The machine's own PCI functions (no id) that offer a bus, by bus name: q35's AHCI for `ide.2`.
    var builtInOwners: [String: (function: Function, slot: Int, number: Int, bus: String)] = [:]
    var currentDevice: Int?
    let ids = Dictionary(
      machine.devices.enumerated().map { ($0.element.id ?? probeID($0.offset), $0.offset) },
      uniquingKeysWith: { a, _ in a })
    // HMP answers with "\r\n", which Swift reads as one Character: split on any newline.
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    for (index, line) in lines.enumerated() {
      let indent = line.prefix { $0 == " " }.count
      let body = line.dropFirst(indent)
      while let last = owners.last, last.indent >= indent { owners.removeLast() }
      while let last = busStack.last, last.indent >= indent { busStack.removeLast() }
      if body.hasPrefix("bus: ") {
        let name = String(body.dropFirst(5))
        busStack.append((indent, name))
        var type = ""
        if index + 1 < lines.count {
          let next = lines[index + 1].drop { $0 == " " }
          if next.hasPrefix("type ") { type = String(next.dropFirst(5)) }
        }
        buses.append(Bus(name: name, type: type, owner: owners.last?.id ?? nil))
        if let owner = owners.last, owner.id == nil, let function = owner.function,
          let parent = busStack.dropLast().last?.name
        {
          builtInOwners[name] = (function.0, function.slot, function.number, parent)
        }
      } else if body.hasPrefix("dev: ") {
        var id: String?
        if let open = body.range(of: "id \"") {
          let rest = body[open.upperBound...]
          id = rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        if id == "" { id = nil }
        owners.append((indent, id, nil))
        currentDevice = id.flatMap { ids[$0] }
        currentID = id
      } else if body.hasPrefix("class "), let range = body.range(of: "pci id ") {
        if let id = currentID, let bus = busStack.last?.name, let at = body.range(of: ", addr ") {
          // `addr 00:03.0`: bus (unassigned before firmware), slot, function.
          let address = body[at.upperBound...].prefix { $0 != "," }
          let parts = address.split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int($0, radix: 16) }
          if parts.count == 3 { placements[id] = (bus, parts[1], parts[2]) }
        }
        let ids = body[range.upperBound...]
        let numbers = ids.split(whereSeparator: { " :()".contains($0) }).compactMap { Int($0, radix: 16) }
        guard numbers.count >= 2 else { continue }
        var classCode: Int?
        if body.hasPrefix("class Class "), let code = Int(body.dropFirst(12).prefix(4), radix: 16) { classCode = code }
        let function = Function(
          device: currentDevice ?? -1, vendor: numbers[0], deviceID: numbers[1],
          subsystemVendor: numbers.count > 3 ? numbers[2] : 0, subsystem: numbers.count > 3 ? numbers[3] : 0,
          classCode: classCode, progIF: nil)
        if currentID == nil, let at = body.range(of: ", addr "), !owners.isEmpty {
          let parts = body[at.upperBound...].prefix { $0 != "," }.split(whereSeparator: { $0 == ":" || $0 == "." })
            .compactMap { Int($0, radix: 16) }
          if parts.count == 3 { owners[owners.count - 1].function = (function, parts[1], parts[2]) }
        }
        if currentDevice != nil { functions.append(function) }
      }
    }
    // A lesson device on one of the machine's own buses needs that bus's controller driven too (the AHCI behind
    // `ide.2`): its function joins the device's.
    for (index, device) in machine.devices.enumerated() {
      guard let bus = device.bus, ids[bus] == nil, let owner = builtInOwners[bus] else { continue }
      var function = owner.function
      function.device = index
      functions.append(function)
      placements[builtInKey(index)] = (owner.bus, owner.slot, owner.number)
    }
    return MachineProbe(buses: buses, functions: functions, error: nil)
  }
}
