import Foundation

/// Builds QEMU's argv from the typed machine. Every value comes from the model (already validated) or from qlearn's
/// own plan, and is written in QEMU's option syntax with commas doubled, so no value can add an option.
public enum QEMUCommandLine {
  /// QEMU's quoting inside a `key=value,...` option: a literal comma is written twice.
  public static func quote(_ value: String) -> String { value.replacingOccurrences(of: ",", with: ",,") }

  /// `key=value,...` with every value quoted.
  static func keyValues(_ pairs: [(String, String)]) -> String {
    pairs.map { "\($0.0)=\(quote($0.1))" }.joined(separator: ",")
  }

  /// `name,key=value,...`: an option whose first word is a bare name (a driver, a machine type).
  static func option(_ head: String, _ pairs: [(String, String)]) -> String {
    pairs.isEmpty ? quote(head) : quote(head) + "," + keyValues(pairs)
  }

  /// `-accel`'s value. TCG runs every vCPU on one host thread (`thread=single`) rather than one thread each (MTTCG):
  /// under MTTCG a vCPU can run a stale translation of kernel text that another vCPU has just patched, so a guest that
  /// flips a static key while its CPUs are busy (enabling a trace event patches `__schedule`) dies with
  /// "Oops: int3" (Debian 6.12, QEMU 7.2: 4 of 7 guests toggling sched_switch under load; none of 9 with one thread).
  /// On a 2-core host one thread is also the faster choice: agent-ready in 1.30 s against 1.37 s (6.1) and 1.54 s
  /// against 1.71 s (6.12), `Benchmarks/compare-start.sh 9`, interleaved.
  static func accelOption(_ accelerator: BootPlan.Accelerator) -> String {
    switch accelerator {
    case .kvm: "kvm"
    case .tcg: option("tcg", [("thread", "single")])
    }
  }

  /// `-machine`'s properties. Under KVM an `intel-iommu` needs the interrupt controller split between KVM (local APICs)
  /// and QEMU (IOAPIC): with KVM's full irqchip QEMU 7.2 refuses `intremap=on` ("Interrupt Remapping cannot work with
  /// kernel-irqchip=on, please use 'split|off'"), and with `intremap` left at `auto` the IOMMU would lose remapping, so
  /// the guest would not see what it sees under TCG, where QEMU emulates every interrupt controller itself. (Split also
  /// lets `eim` default to on, so a KVM guest may remap in x2APIC mode where a TCG one uses xAPIC.)
  static func machineProperties(_ machine: Machine, accelerator: BootPlan.Accelerator) -> [(String, String)] {
    var properties = [("hpet", "off")]
    if machine.hasNVDIMM { properties.append(("nvdimm", "on")) }
    if accelerator == .kvm, machine.devices.contains(where: { $0.kind.name == "intel-iommu" }) {
      properties.append(("kernel-irqchip", "split"))
    }
    return properties
  }

  public static func arguments(for machine: Machine, plan: BootPlan) -> [String] {
    var argv: [String] = [plan.qemuBinary]
    func add(_ flag: String, _ value: String) { argv += [flag, value] }

    add("-machine", option(machine.type.rawValue, machineProperties(machine, accelerator: plan.accelerator)))
    add("-accel", accelOption(plan.accelerator))
    if machine.pcieNativeHotplug { add("-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off") }
    argv += ["-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"]
    add("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny")
    add("-name", option("qlearn", [("process", "qlearn-qemu")]))

    add("-smp", smp(machine.cpus))
    var memory: [(String, String)] = [("size", machine.memory.size.description)]
    if let slots = machine.memory.slots { memory.append(("slots", String(slots))) }
    if let maxmem = machine.memory.maxmem { memory.append(("maxmem", maxmem.description)) }
    add("-m", keyValues(memory))
    for (index, node) in machine.numa.enumerated() {
      add("-object", option("memory-backend-ram", [("id", "numa-ram\(index)"), ("size", node.memory.description)]))
      add("-numa", option("node", [("nodeid", String(index))] + cpuRanges(node.cpus).map { ("cpus", $0) } + [("memdev", "numa-ram\(index)")]))
    }

    if machine.firmware == .qboot, let qboot = plan.qbootImage { add("-bios", qboot.path) }
    add("-kernel", plan.kernel.path)
    if let initrd = plan.initrd { add("-initrd", initrd.path) }
    add("-append", (plan.kernelArguments + machine.kernelArguments).joined(separator: " "))

    // The console: a socket qlearn proxies to the learner, logged to a file qlearn owns.
    if plan.consoleOnStdio {
      add("-serial", "stdio")
    } else {
      add("-chardev", option("socket", [("id", "console"), ("path", plan.layout.consoleSocket.path), ("server", "on"), ("wait", "off"), ("logfile", plan.layout.consoleLog.path)]))
      add("-serial", "chardev:console")
    }
    // The guest agent's private channel: qlearn's initramfs runs qemu-ga on the second serial port; a learner's own
    // system runs it on the virtio-serial port its distribution's service expects.
    add("-chardev", option("socket", [("id", "qga"), ("path", plan.layout.agentSocket.path), ("server", "on"), ("wait", "off")]))
    if let image = plan.bootImage {
      add("-drive", keyValues([("file", image.url.path), ("format", image.format), ("if", "ide"), ("index", "0"), ("media", "disk")]))
      add("-device", option("virtio-serial-pci", [("id", "qga-serial")]))
      add("-device", option("virtserialport", [("bus", "qga-serial.0"), ("chardev", "qga"), ("name", "org.qemu.guest_agent.0")]))
    } else {
      add("-device", option("isa-serial", [("chardev", "qga")]))
    }
    add("-chardev", option("socket", [("id", "qmp"), ("path", plan.layout.qmpSocket.path), ("server", "on"), ("wait", "off")]))
    add("-mon", keyValues([("chardev", "qmp"), ("mode", "control")]))
    add("-chardev", option("socket", [("id", "monitor"), ("path", plan.layout.monitorSocket.path), ("server", "on"), ("wait", "off")]))
    add("-mon", keyValues([("chardev", "monitor"), ("mode", "control")]))

    for disk in machine.disks {
      add("-blockdev", keyValues([("driver", disk.format.rawValue), ("node-name", disk.id), ("file.driver", "file"), ("file.filename", plan.layout.diskImage(disk).path)]))
    }
    for backend in machine.memoryBackends {
      var pairs: [(String, String)] = [("id", backend.id), ("size", backend.size.description)]
      if backend.kind == .file { pairs.append(("mem-path", plan.layout.backendFile(backend).path)) }
      if backend.share { pairs.append(("share", "on")) }
      add("-object", option("memory-backend-\(backend.kind.rawValue)", pairs))
    }
    for netdev in machine.netdevs {
      var pairs: [(String, String)] = [("id", netdev.id)]
      if netdev.kind == .tap {
        let name = plan.tapNames[netdev.id] ?? BootPlan.tapName(netdev: netdev.id, session: plan.sessionDirectory)
        pairs += [("ifname", name), ("script", "no"), ("downscript", "no")]
        if let queues = netdev.queues { pairs.append(("queues", String(queues))) }
        pairs.append(("vhost", netdev.vhost == true ? "on" : "off"))
      } else if netdev.kind == .user, !plan.networkAllowed {
        // The guest keeps QEMU's own gateway and DNS addresses, and reaches nothing behind them.
        pairs.append(("restrict", "on"))
      }
      add("-netdev", option(netdev.kind.rawValue, pairs))
    }
    var vfioHosts = plan.vfioHosts[...]
    for device in machine.devices {
      let host = device.kind.name == "vfio-pci" ? vfioHosts.popFirst() : nil
      argv += deviceArguments(device, machine: machine, plan: plan, vfioHost: host)
    }
    return argv
  }

  /// `vfioHost`: the host device qlearn assigned to a `vfio-pci` device (never lesson text).
  static func deviceArguments(_ device: Device, machine: Machine, plan: BootPlan, vfioHost: String? = nil) -> [String] {
    var result: [String] = []
    var pairs: [(String, String)] = []
    if let id = device.id { pairs.append(("id", id)) }
    if let bus = device.bus, bus != machine.type.rootBus {
      // A declared device's id names the bus it offers; anything else is one of the machine's own buses (`ide.2`).
      let provider = machine.devices.first(where: { $0.id == bus })
      pairs.append(("bus", provider?.kind.busName(forDeviceID: bus) ?? bus))
    } else if device.kind.needsRootBus {
      pairs.append(("bus", machine.type.rootBus))
    }
    for name in device.properties.keys.sorted() {
      guard let value = device.properties[name] else { continue }
      if device.kind.properties[name] == .hostLog, let log = value.text {
        result += ["-chardev", option("file", [("id", "log-\(log)"), ("path", plan.layout.hostLog(log).path)])]
        pairs.append(("chardev", "log-\(log)"))
      } else {
        pairs.append((name, value.description))
      }
    }
    if let vfioHost { pairs.append(("host", vfioHost)) }
    return result + ["-device", option(device.kind.name, pairs)]
  }

  static func smp(_ cpus: CPUTopology) -> String {
    let optional: [(String, Int?)] = [
      ("maxcpus", cpus.maxcpus), ("sockets", cpus.sockets), ("cores", cpus.cores), ("threads", cpus.threads),
    ]
    return keyValues([("cpus", String(cpus.count))] + optional.compactMap { key, value in value.map { (key, String($0)) } })
  }

  /// `[0, 1, 2, 5]` -> `["0-2", "5"]`, as `-numa node,cpus=` takes them (repeated for several ranges).
  static func cpuRanges(_ cpus: [Int]) -> [String] {
    var ranges: [String] = []
    var start: Int?
    var previous = -2
    for cpu in cpus.sorted() + [Int.max] {
      if cpu != previous + 1 {
        if let start { ranges.append(start == previous ? "\(start)" : "\(start)-\(previous)") }
        start = cpu
      }
      previous = cpu
    }
    return ranges
  }
}
