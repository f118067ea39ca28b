import QLearnKit

/// The lesson's declared machine as an SVG tree, drawn from the typed model (never from QEMU text): the machine, its
/// CPUs, memory and NUMA nodes, the root bus, and under it every bridge, port, switch and device where the lesson put
/// it, with the disks, memory backends and network backends each device uses.
enum MachineDiagram {
  enum Role: String { case machine, cpu, bus, bridge, device, disk, backend }

  struct Node {
    var label: String
    var detail: String
    var role: Role
    var depth: Int
  }

  static func nodes(_ machine: Machine) -> [Node] {
    var nodes: [Node] = []
    let cpus = machine.cpus
    nodes.append(Node(label: "machine \(machine.type.rawValue)", detail: machine.type == .pc ? "i440FX, PCI" : "Q35, PCI Express", role: .machine, depth: 0))
    var cpuText = "\(cpus.count) CPU\(cpus.count == 1 ? "" : "s")"
    if cpus.effectiveMax > cpus.count { cpuText += ", up to \(cpus.effectiveMax)" }
    var topology: [String] = []
    if let sockets = cpus.sockets { topology.append("\(sockets) sockets") }
    if let cores = cpus.cores { topology.append("\(cores) cores") }
    if let threads = cpus.threads { topology.append("\(threads) threads") }
    nodes.append(Node(label: cpuText, detail: topology.joined(separator: ", "), role: .cpu, depth: 1))
    var memoryText = "memory \(machine.memory.size)"
    if let maxmem = machine.memory.maxmem { memoryText += ", max \(maxmem)" }
    nodes.append(Node(label: memoryText, detail: machine.memory.slots.map { "\($0) slots" } ?? "", role: .cpu, depth: 1))
    for (index, node) in machine.numa.enumerated() {
      let list = node.cpus.map(String.init).joined(separator: ",")
      nodes.append(Node(label: "NUMA node \(index)", detail: "\(node.memory), CPUs \(list)", role: .cpu, depth: 2))
    }
    nodes.append(Node(label: machine.type.rootBus, detail: "root bus", role: .bus, depth: 1))
    var placed = Set<Int>()
    func add(children parent: String?, depth: Int) {
      guard depth < 16 else { return }
      for (index, device) in machine.devices.enumerated() where !placed.contains(index) {
        let onRoot = device.bus == nil && device.kind.bus != nil
        // A device names its parent by id, or by the bus QEMU gives that parent (`xhci.0`).
        let underParent = parent.map { device.bus == $0 || device.bus?.hasPrefix($0 + ".") == true } ?? false
        guard parent == nil ? onRoot : underParent else { continue }
        placed.insert(index)
        append(device, depth: depth)
        if let id = device.id { add(children: id, depth: depth + 1) }
      }
    }
    func append(_ device: Device, depth: Int) {
      let name = device.id.map { "\($0): \(device.kind.name)" } ?? device.kind.name
      let offersBus = device.id.map { id in machine.devices.contains { $0.bus == id || $0.bus?.hasPrefix(id + ".") == true } } ?? false
      let role: Role = device.kind.namesBusByID || offersBus ? .bridge : .device
      nodes.append(Node(label: name, detail: settings(device), role: role, depth: depth))
      for (property, type) in device.kind.properties.sorted(by: { $0.key < $1.key }) {
        guard let reference = device.properties[property]?.text else { continue }
        switch type {
        case .disk:
          let disk = machine.disks.first { $0.id == reference }
          nodes.append(Node(label: "disk \(reference)", detail: disk.map { "\($0.size) \($0.format.rawValue)" } ?? "", role: .disk, depth: depth + 1))
        case .memoryBackend:
          let backend = machine.memoryBackends.first { $0.id == reference }
          nodes.append(Node(label: "memory \(reference)", detail: backend.map { "\($0.size) \($0.kind.rawValue)" } ?? "", role: .backend, depth: depth + 1))
        case .netdev:
          let netdev = machine.netdevs.first { $0.id == reference }
          nodes.append(Node(label: "netdev \(reference)", detail: netdev?.kind.rawValue ?? "", role: .backend, depth: depth + 1))
        default: continue
        }
      }
    }
    add(children: nil, depth: 2)
    let others = machine.devices.indices.filter { !placed.contains($0) }
    if !others.isEmpty {
      nodes.append(Node(label: "not on a PCI bus", detail: "", role: .bus, depth: 1))
      for index in others { append(machine.devices[index], depth: 2) }
    }
    return nodes
  }

  /// The device's own numeric and boolean settings, e.g. `max_ioqpairs=8`.
  static func settings(_ device: Device) -> String {
    device.properties.sorted { $0.key < $1.key }.compactMap { key, value -> String? in
      guard let type = device.kind.properties[key] else { return nil }
      switch type {
      case .disk, .memoryBackend, .netdev, .hostLog: return nil
      default: return "\(key)=\(value)"
      }
    }.prefix(4).joined(separator: " ")
  }

  static let rowHeight = 30
  static let indent = 22

  static func svg(_ machine: Machine) -> String {
    let nodes = nodes(machine)
    let width = max(360, nodes.map { 24 + $0.depth * indent + textWidth($0) }.max() ?? 360)
    let height = nodes.count * rowHeight + 12
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"machine\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
    out += "<title>The lesson's declared machine</title>"
    // Elbow lines from each node's parent (the nearest earlier node one level up).
    for (row, node) in nodes.enumerated() where node.depth > 0 {
      guard let parentRow = nodes[..<row].lastIndex(where: { $0.depth == node.depth - 1 }) else { continue }
      let x = 14 + (node.depth - 1) * indent
      let y1 = 6 + parentRow * rowHeight + 22
      let y2 = 6 + row * rowHeight + 11
      out += "<path class=\"edge\" d=\"M\(x) \(y1) V\(y2) H\(x + indent - 4)\"/>"
    }
    for (row, node) in nodes.enumerated() {
      let x = 6 + node.depth * indent
      let y = 6 + row * rowHeight
      let boxWidth = 12 + node.label.count * 8
      out += "<g class=\"node \(node.role.rawValue)\">"
      out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxWidth)\" height=\"22\" rx=\"4\"/>"
      out += "<text x=\"\(x + 6)\" y=\"\(y + 15)\">\(HTML.escape(node.label))</text>"
      if !node.detail.isEmpty {
        out += "<text class=\"detail\" x=\"\(x + boxWidth + 8)\" y=\"\(y + 15)\">\(HTML.escape(node.detail))</text>"
      }
      out += "</g>"
    }
    return out + "</svg>"
  }

  static func textWidth(_ node: Node) -> Int { 12 + node.label.count * 8 + 8 + node.detail.count * 7 }
}
