import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct QEMUCommandLineTests {
  static let plan = sampleBootPlan

  func machine(_ yaml: String) throws -> Machine {
    let text = """
      ---
      id: argv
      title: t
      summary: s
      topic: t
      minutes: 1
      machine:
      \(yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
      steps: []
      ---
      """
    switch LessonLoader.parse(text, file: "argv.md") {
    case .success(let lesson): return lesson.machine
    case .failure(let error): throw error
    }
  }

  /// The values following each occurrence of `flag`.
  func values(_ argv: [String], _ flag: String) -> [String] {
    argv.indices.dropLast().filter { argv[$0] == flag }.map { argv[$0 + 1] }
  }

  @Test func theNVMeLessonBecomesTheSeedsDevicesWithQlearnsPaths() throws {
    let lesson = try #require(try? LessonLoader.load(Repository.lessons.appendingPathComponent("nvme-queues.md")).get())
    let argv = QEMUCommandLine.arguments(for: lesson.machine, plan: Self.plan)
    #expect(argv.first == "qemu-system-x86_64")
    #expect(values(argv, "-machine") == ["pc,hpet=off"], "no HPET: its MMIO counter is slow under TCG")
    // One TCG thread for all vCPUs: MTTCG lets a vCPU run kernel text another one has just patched.
    #expect(values(argv, "-accel") == ["tcg,thread=single"])
    #expect(values(argv, "-smp") == ["cpus=4"])
    #expect(values(argv, "-m") == ["size=512M"])
    #expect(values(argv, "-device").contains("nvme,id=nvme0,drive=disk0,max_ioqpairs=8,serial=deadbeaf1"))
    #expect(values(argv, "-blockdev") == ["driver=qcow2,node-name=disk0,file.driver=file,file.filename=/run/s/disk-disk0.qcow2"])
    #expect(values(argv, "-bios") == ["/usr/share/qemu/qboot.rom"])
    #expect(values(argv, "-append") == ["console=ttyS0"])
    #expect(argv.contains("-nodefaults"))
    #expect(values(argv, "-sandbox").first?.contains("spawn=deny") == true)
    #expect(values(argv, "-sandbox").first?.contains("elevateprivileges=deny") == true)
    #expect(values(argv, "-chardev").contains("socket,id=qmp,path=/run/s/qmp.sock,server=on,wait=off"))
  }

  @Test func scsiDisksNameTheAdaptersBus() throws {
    let machine = try machine("""
      disks: [{id: d0, size: 1M}]
      devices:
        - {kind: megasas, id: scsi0}
        - {kind: scsi-hd, bus: scsi0, drive: d0, channel: 0, scsi-id: 1, lun: 0}
      """)
    let devices = values(QEMUCommandLine.arguments(for: machine, plan: Self.plan), "-device")
    #expect(devices.contains("megasas,id=scsi0"))
    #expect(devices.contains("scsi-hd,bus=scsi0.0,channel=0,drive=d0,lun=0,scsi-id=1"))
  }

  @Test func numaNodesGetMemoryBackendsAndCPURanges() throws {
    let machine = try machine("""
      cpus: {count: 4, sockets: 2, cores: 2, threads: 1}
      memory: 2304M
      numa:
        - {memory: 2048M, cpus: 0-1}
        - {memory: 256M, cpus: [2, 3]}
      devices:
        - {kind: pxb, id: bridge1, bus_nr: 3, numa_node: 1}
      """)
    let argv = QEMUCommandLine.arguments(for: machine, plan: Self.plan)
    #expect(values(argv, "-smp") == ["cpus=4,sockets=2,cores=2,threads=1"])
    #expect(values(argv, "-object").contains("memory-backend-ram,id=numa-ram1,size=256M"))
    #expect(values(argv, "-numa") == ["node,nodeid=0,cpus=0-1,memdev=numa-ram0", "node,nodeid=1,cpus=2-3,memdev=numa-ram1"])
    #expect(values(argv, "-device").contains("pxb,id=bridge1,bus=pci.0,bus_nr=3,numa_node=1"))
    #expect(QEMUCommandLine.cpuRanges([0, 1, 2, 5, 7, 8]) == ["0-2", "5", "7-8"])
  }

  @Test func nvdimmSwitchesTheMachineOptionAndUsesASessionFile() throws {
    let machine = try machine("""
      memory: {size: 1G, slots: 2, maxmem: 4G}
      memory_backends: [{id: mem1, type: file, size: 256M}]
      devices: [{kind: nvdimm, id: nv1, memdev: mem1}]
      """)
    let argv = QEMUCommandLine.arguments(for: machine, plan: Self.plan)
    #expect(values(argv, "-machine") == ["pc,hpet=off,nvdimm=on"])
    #expect(values(argv, "-m") == ["size=1G,slots=2,maxmem=4G"])
    #expect(values(argv, "-object") == ["memory-backend-file,id=mem1,size=256M,mem-path=/run/s/memory-mem1.img,share=on"])
  }

  @Test func hostLogsAndTapsAreNamedByQlearn() throws {
    let machine = try machine("""
      firmware: seabios
      netdevs: [{id: t0, type: tap, queues: 4}]
      devices:
        - {kind: isa-debugcon, iobase: 0x402, log: seabios}
        - {kind: virtio-net-pci, netdev: t0, mq: on, vectors: 10}
      """)
    let argv = QEMUCommandLine.arguments(for: machine, plan: Self.plan)
    #expect(values(argv, "-bios").isEmpty, "SeaBIOS is QEMU's default: no -bios")
    #expect(values(argv, "-chardev").contains("file,id=log-seabios,path=/run/s/log-seabios.log"))
    #expect(values(argv, "-device").contains("isa-debugcon,iobase=1026,chardev=log-seabios"))
    #expect(values(argv, "-netdev") == ["tap,id=t0,ifname=qltap0,script=no,downscript=no,queues=4,vhost=off"])
    #expect(values(argv, "-device").contains("virtio-net-pci,mq=on,netdev=t0,vectors=10"))
  }

  @Test func onlyMachinesWithoutINTxDevicesSkipACPIInterruptRouting() throws {
    let modern = try machine("devices: [{kind: nvme, drive: d0, serial: s1}]\ndisks: [{id: d0, size: 64M}]")
    let legacy = try machine("netdevs: [{id: n0, type: user}]\ndevices: [{kind: e1000, netdev: n0}]")
    #expect(!modern.devices.contains { $0.kind.legacyInterrupts })
    #expect(legacy.devices.contains { $0.kind.legacyInterrupts })
    #expect(KernelCommandLine.words(accelerator: .tcg, lpj: 1, legacyInterrupts: false).contains("acpi=noirq"))
    #expect(!KernelCommandLine.words(accelerator: .tcg, lpj: 1, legacyInterrupts: true).contains("acpi=noirq"))
  }

  @Test func tapNamesAreThisSessionsOwnAndFitLinuxsLimit() {
    let learner = BootPlan.tapName(netdev: "a-long-netdev-id", session: URL(fileURLWithPath: "/run/user/0/qlearn/s"))
    let verifier = BootPlan.tapName(netdev: "a-long-netdev-id", session: URL(fileURLWithPath: "/tmp/qlv-1-ab/s"))
    #expect(learner != verifier)
    #expect(learner.count <= 15 && verifier.count <= 15)
    #expect(learner.hasPrefix("ql") && learner.hasSuffix("-a-long-n"))
  }

  @Test func passthroughDevicesGetTheHostDevicesQlearnAssigned() throws {
    let machine = try machine("""
      devices:
        - {kind: vfio-pci, id: hostdev0, addr: "0x5"}
        - {kind: vfio-pci, id: hostdev1}
      """)
    var plan = Self.plan
    plan.vfioHosts = try VFIOHost.assign(to: machine, chosen: [], bound: ["0000:01:00.0", "0000:02:00.1", "0000:03:00.0"])
    let argv = QEMUCommandLine.arguments(for: machine, plan: plan)
    #expect(values(argv, "-device").contains("vfio-pci,id=hostdev0,addr=0x5,host=0000:01:00.0"))
    #expect(values(argv, "-device").contains("vfio-pci,id=hostdev1,host=0000:02:00.1"))
  }

  @Test func passthroughNeedsEnoughBoundDevicesAndHonoursTheLearnersChoice() throws {
    let machine = try machine("devices: [{kind: vfio-pci, id: hostdev0}]")
    #expect(try VFIOHost.assign(to: machine, chosen: ["0000:02:00.1"], bound: ["0000:01:00.0", "0000:02:00.1"])
      == ["0000:02:00.1"])
    #expect(throws: LaunchError.self) { try VFIOHost.assign(to: machine, chosen: [], bound: []) }
    // A chosen device that is not bound to vfio-pci would make QEMU fail later and less clearly.
    #expect(throws: LaunchError.self) { try VFIOHost.assign(to: machine, chosen: ["0000:05:00.0"], bound: ["0000:01:00.0"]) }
    #expect(try VFIOHost.assign(to: try self.machine("cpus: 2"), chosen: [], bound: []).isEmpty)
    #expect(VFIOHost.isValidAddress("0000:01:00.0"))
    #expect(!VFIOHost.isValidAddress("0000:01:00.0,x=y"))
    #expect(!VFIOHost.isValidAddress("01:00.0"))
  }

  @Test func nativePCIeHotplugAndExtraModules() throws {
    let machine = try machine("""
      type: q35
      pcie_native_hotplug: true
      modules: [ext4, vfio-pci]
      devices: [{kind: pcie-root-port, id: root, slot: 0}]
      """)
    let argv = QEMUCommandLine.arguments(for: machine, plan: Self.plan)
    #expect(values(argv, "-global") == ["ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"])
    #expect(machine.guestModules == ["ext4", "vfio-pci"])
    #expect(throws: LessonError.self) { try self.machine("pcie_native_hotplug: true") }
  }

  @Test func commasAreDoubledInEveryValue() {
    #expect(QEMUCommandLine.quote("a,b,,c") == "a,,b,,,,c")
    #expect(QEMUCommandLine.option("nvme", [("serial", "x,file=/etc/passwd")]) == "nvme,serial=x,,file=/etc/passwd")
  }
}

/// The argv a learner with working KVM gets. Nested KVM hangs on the machines these tests run on, so no test can boot
/// it: these tests hold the command line to what QEMU 7.2 accepts under KVM.
@Suite struct KVMCommandLineTests {
  static let kvm = {
    var plan = QEMUCommandLineTests.plan
    plan.accelerator = .kvm
    return plan
  }()

  func lesson(_ id: String) throws -> Lesson {
    try #require(try? LessonLoader.load(Repository.lessons.appendingPathComponent("\(id).md")).get())
  }

  func machineOption(_ argv: [String]) -> String? {
    argv.indices.dropLast().first { argv[$0] == "-machine" }.map { argv[$0 + 1] }
  }

  @Test(arguments: ["iommu", "vfio-bind"])
  func anIOMMULessonSplitsTheIrqchipUnderKVMOnly(id: String) throws {
    let machine = try lesson(id).machine
    // QEMU refuses intel-iommu's interrupt remapping with KVM's own full irqchip.
    #expect(machineOption(QEMUCommandLine.arguments(for: machine, plan: Self.kvm))?.contains("kernel-irqchip=split") == true)
    #expect(QEMUCommandLine.arguments(for: machine, plan: Self.kvm).contains("kvm"))
    #expect(machineOption(QEMUCommandLine.arguments(for: machine, plan: QEMUCommandLineTests.plan))?.contains("kernel-irqchip") == false)
  }

  @Test func aLessonWithoutAnIOMMUKeepsKVMsFullIrqchip() throws {
    let argv = QEMUCommandLine.arguments(for: try lesson("nvme-queues").machine, plan: Self.kvm)
    #expect(machineOption(argv) == "pc,hpet=off")
    #expect(!argv.contains { $0.hasPrefix("tcg") })
  }

  /// The course, loaded once for the 30-odd cases below (each load reads and validates every lesson).
  static let course = Course(paths: [Repository.lessons])

  @Test(arguments: course.lessons.map(\.id))
  func noTCGOnlyKernelArgumentReachesAKVMGuest(id: String) throws {
    let machine = try #require(Self.course.lesson(id)).machine
    let kvm = KernelCommandLine.words(for: machine, accelerator: .kvm, lpj: 4_000_000)
    #expect(!kvm.contains { $0.hasPrefix("lpj=") }, "lpj is measured under TCG")
    #expect(!kvm.contains("noapictimer"))
    #expect(!kvm.contains { $0.hasPrefix("initcall_blacklist=") })
    let tcg = KernelCommandLine.words(for: machine, accelerator: .tcg, lpj: 4_000_000)
    #expect(tcg.contains("lpj=4000000") && tcg.contains("noapictimer"))
  }
}

/// The open machine model: any kind QEMU has, typed from QEMU's own property types, under one policy.
@Suite struct OpenMachineModelTests {
  func machine(_ yaml: String) throws -> Machine { try QEMUCommandLineTests().machine(yaml) }

  @Test func aKindNoLineOfQlearnNamesIsTypedFromQEMU() throws {
    let machine = try machine("devices: [{kind: i6300esb, id: wd0, addr: \"0x6\"}, {kind: virtio-rng-pci, id: rng0, max-bytes: 1024, period: 500}]")
    let argv = QEMUCommandLine.arguments(for: machine, plan: QEMUCommandLineTests.plan)
    #expect(argv.contains("i6300esb,id=wd0,addr=0x6"))
    #expect(argv.contains("virtio-rng-pci,id=rng0,max-bytes=1024,period=500"))
    #expect(machine.devices[1].kind.properties["max-bytes"] == .integer(0...Int.max))
    #expect(machine.devices[1].kind.properties["period"] == .integer(0...Int(UInt32.max)))
    // uint8: 256 is out of QEMU's range.
    #expect(throws: LessonError.self) {
      try self.machine("disks: [{id: d0, size: 64M}]\ndevices: [{kind: nvme, drive: d0, serial: s, sriov_max_vfs: 256}]")
    }
  }

  @Test func aBuiltInBusIsNamedAsQEMUNamesIt() throws {
    let machine = try machine("type: q35\ndisks: [{id: d0, size: 64M}]\ndevices: [{kind: ide-hd, bus: ide.2, drive: d0}]")
    let argv = QEMUCommandLine.arguments(for: machine, plan: QEMUCommandLineTests.plan)
    #expect(argv.contains("ide-hd,bus=ide.2,drive=d0"))
    let probe = try #require(MachineProbe.standard(machine))
    #expect(probe.error == nil)
    #expect(probe.buses.contains { $0.name == "ide.2" && $0.type == "IDE" })
  }

  @Test func policyRefusesHostReachingPropertiesByNameAndType() {
    #expect(DevicePolicy.refusal(ofProperty: "romfile", type: "str") != nil)
    #expect(DevicePolicy.refusal(ofProperty: "rootdir", type: "str") != nil)
    #expect(DevicePolicy.refusal(ofProperty: "vhostfd", type: "str") != nil)
    #expect(DevicePolicy.refusal(ofProperty: "hostdevice", type: "str") != nil)
    #expect(DevicePolicy.refusal(ofProperty: "x-speed", type: "PCIELinkSpeed") != nil)
    // Numbers and switches cannot name a path, whatever their name.
    #expect(DevicePolicy.refusal(ofProperty: "host_mtu", type: "uint16") == nil)
    #expect(DevicePolicy.refusal(ofProperty: "ioeventfd", type: "bool") == nil)
    #expect(DevicePolicy.refusal(ofProperty: "serial", type: "str") == nil)
    #expect(DevicePolicy.refusal(ofKind: "usb-host") != nil)
    #expect(DevicePolicy.refusal(ofKind: "vhost-user-blk-pci") != nil)
    #expect(DevicePolicy.refusal(ofKind: "virtio-input-host-pci") != nil)
    #expect(DevicePolicy.refusal(ofKind: "vfio-pci") == nil)
    #expect(DevicePolicy.refusal(ofKind: "i6300esb") == nil)
    #expect(DevicePolicy.enumChoices("Error handling policy, report/ignore/enospc/stop/auto") == ["report", "ignore", "enospc", "stop", "auto"])
    #expect(DevicePolicy.enumChoices("on/off/auto") == ["on", "off", "auto"])
    #expect(DevicePolicy.enumChoices("").isEmpty)
  }

  @Test func everyKindQEMUHasIsTypedOrRefusedWithAReason() throws {
    let facts = try #require(QEMUFacts.standard())
    #expect(facts.kinds.count > 300)
    var usable = 0
    for name in facts.kinds.keys where DevicePolicy.refusal(ofKind: name) == nil {
      let kind = try #require(DevicePolicy.kind(named: name, facts: facts))
      #expect(Set(kind.properties.keys).union(kind.refused.keys).isSuperset(of: facts.kinds[name]!.properties.keys))
      #expect(kind.properties.keys.allSatisfy { !$0.hasPrefix("x-") })
      usable += 1
    }
    #expect(usable > 250)
    #expect(facts.kind("pcie-root-port", isA: "base-pci-bridge"))
    #expect(facts.kinds["nvme-ns"]?.bus == "nvme-bus")
  }

  /// What the old hand-written catalog said about its 24 kinds, now derived from QEMU's facts: the same INTx answer
  /// (so the same `acpi=noirq` choice) and the same bus names.
  @Test func theFormerCatalogsKindsKeepTheirMeaning() throws {
    let facts = try #require(QEMUFacts.standard())
    let intx: Set<String> = ["lsi53c895a", "e1000", "rtl8139", "i82550", "vfio-pci"]
    let namedByID: Set<String> = [
      "pci-bridge", "pxb", "pxb-pcie", "ioh3420", "pcie-root-port", "x3130-upstream", "xio3130-downstream", "nvme",
    ]
    let former = [
      "nvme", "megasas", "lsi53c895a", "virtio-scsi-pci", "scsi-hd", "virtio-blk-pci", "virtio-net-pci", "e1000",
      "e1000e", "rtl8139", "vmxnet3", "i82550", "pci-bridge", "pxb", "pxb-pcie", "ioh3420", "pcie-root-port",
      "x3130-upstream", "xio3130-downstream", "intel-iommu", "nvdimm", "pc-dimm", "isa-debugcon", "vfio-pci",
    ]
    for name in former {
      let kind = try #require(DevicePolicy.kind(named: name, facts: facts), "\(name)")
      #expect(kind.legacyInterrupts == intx.contains(name), "\(name)")
      #expect(kind.namesBusByID == namedByID.contains(name), "\(name)")
      #expect(kind.needsRootBus == name.hasPrefix("pxb"), "\(name)")
    }
    #expect(DevicePolicy.kind(named: "isa-debugcon", facts: facts)?.properties["log"] == .hostLog)
    #expect(DevicePolicy.kind(named: "intel-iommu", facts: facts)?.properties["intremap"] == .choice(["on", "off", "auto"]))
    // A PCI device QEMU says nothing about keeps ACPI's interrupt routing.
    #expect(DevicePolicy.kind(named: "edu", facts: facts)?.legacyInterrupts == true)
  }

  @Test func modaliasesComeFromTheProbedIDs() throws {
    let machine = try machine("""
      type: q35
      disks: [{id: d0, size: 64M}]
      devices:
        - {kind: nvme, id: n0, drive: d0, serial: s1}
        - {kind: pcie-root-port, id: rp, chassis: 1}
        - {kind: virtio-rng-pci, bus: rp}
        - {kind: i6300esb}
        - {kind: pcie-root-port, id: rp2, chassis: 2}
        - {kind: qemu-xhci, id: usb, bus: rp2}
      """)
    let aliases = try #require(MachineProbe.standard(machine)).modaliases(for: machine)
    // Behind a root port: qlearn numbers the bridges itself to read the class register (xhci_pci binds by class).
    #expect(aliases.contains("pci:v00001B36d0000000Dsv00001AF4sd00001100bc0Csc03i30"), "\(aliases)")
    #expect(aliases.contains("pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02"))
    #expect(aliases.contains { $0.hasPrefix("pci:v00008086d000025AB") })
    #expect(aliases.contains("virtio:d00000004v00001AF4"))
    #expect(!aliases.contains { $0.contains("d0000000C") }, "bridges are the PCI core's")
    #expect(ModuleResolver.matches(pattern: "pci:v00001AF4d*sv*sd*bc*sc*i*", modalias: "pci:v00001AF4d00001044sv00001AF4sd00001100bc*sc*i*"))
    #expect(!ModuleResolver.matches(pattern: "pci:v*d*sv*sd*bc0Csc03i30*", modalias: "pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02"))
    // A class QEMU did not say matches no class-only driver (ipmi_si, xhci_pci would otherwise load for anything).
    #expect(!ModuleResolver.matches(pattern: "pci:v*d*sv*sd*bc0Csc07i*", modalias: "pci:v00001B36d00000010sv00001AF4sd00001100bc*sc*i*"))
    #expect(ModuleResolver.matches(pattern: "pci:v00001B36d00000010sv*sd*bc*sc*i*", modalias: "pci:v00001B36d00000010sv00001AF4sd00001100bc*sc*i*"))
  }

  @Test func aDeviceNoCachedKernelDrivesIsAWarningNotAnError() async throws {
    // The rule reads the cached kernels' modules.alias: make sure the default kernel is there (fetched once per host).
    _ = try await KernelProvider(cacheDirectory: Paths.standard().cache.appendingPathComponent("kernels"))
      .kernel(explicit: nil, modules: nil, version: nil)
    try #require(!KernelDrivers.cachedVersions(in: Paths.standard().cache).isEmpty, "needs a kernel in qlearn's cache")
    let folder = try Repository.temporaryDirectory()
    let text = try String(contentsOf: Repository.fixtures.appendingPathComponent("lessons/broken/serial-with-comma.md"), encoding: .utf8)
      .replacingOccurrences(of: "id: serial-with-comma", with: "id: edu-lesson")
      .replacingOccurrences(of: "    - {kind: nvme, id: nvme0, drive: disk0, serial: \"x,file=/etc/passwd\", max_ioqpairs: 8}", with: "    - {kind: edu, id: edu0}")
    let file = folder.appendingPathComponent("edu-lesson.md")
    try Data(text.utf8).write(to: file)
    let report = try LintReport.run(paths: [file], checksDirectory: Repository.checks, course: [], cacheDirectory: folder)
    #expect(report.isClean, "\(report.diagnostics)")
    let warning = try #require(report.warnings.first { $0.message.contains("no driver for this edu") }, "\(report.warnings)")
    #expect(warning.isWarning)
    #expect(warning.location.line == 14)
    #expect(warning.description.contains("warning: at machine.devices[0]: kernel"))
    #expect(warning.description.contains("no driver for this edu (PCI 1234:11e8"))
  }

  @Test func modulesFollowTheDeclarationOrder() throws {
    let machine = try machine("""
      disks: [{id: d0, size: 64M}, {id: d1, size: 64M}]
      devices:
        - {kind: megasas, id: scsi0}
        - {kind: scsi-hd, bus: scsi0, drive: d0}
        - {kind: virtio-scsi-pci, id: scsi1}
        - {kind: scsi-hd, bus: scsi1, drive: d1}
      """)
    let aliases = try #require(MachineProbe.standard(machine)).modaliases(for: machine)
    let megasas = try #require(aliases.firstIndex { $0.hasPrefix("pci:v00001000d00000060") })
    let virtio = try #require(aliases.firstIndex { $0.hasPrefix("pci:v00001AF4d00001004") })
    #expect(megasas < virtio, "the first adapter declared must be host0, as the lessons say")
    #expect(aliases.contains("scsi:t-0x00"))
  }

  @Test func busesAreNamedByDeclaredIDOrAsQEMUNamesThem() throws {
    let folder = try Repository.temporaryDirectory()
    let text = try String(contentsOf: Repository.fixtures.appendingPathComponent("lessons/broken/serial-with-comma.md"), encoding: .utf8)
      .replacingOccurrences(of: "id: serial-with-comma", with: "id: usb-lesson")
      .replacingOccurrences(of: "  cpus: 2\n", with: "  type: q35\n")
      .replacingOccurrences(of: "    - {id: disk0, size: 64M}\n", with: "    - {id: disk0, size: 64M}\n    - {id: disk1, size: 64M}\n")
      .replacingOccurrences(
        of: "    - {kind: nvme, id: nvme0, drive: disk0, serial: \"x,file=/etc/passwd\", max_ioqpairs: 8}",
        with: """
              - {kind: pcie-root-port, id: rp1, chassis: 1}
              - {kind: qemu-xhci, id: xhci, bus: rp1, p3: 4}
              - {kind: usb-storage, id: stick0, bus: xhci.0, drive: disk0, removable: true}
              - {kind: ide-hd, bus: ide.2, drive: disk1}
          """)
    let file = folder.appendingPathComponent("usb-lesson.md")
    try Data(text.utf8).write(to: file)
    let report = try LintReport.run(paths: [file], checksDirectory: Repository.checks, course: [], cacheDirectory: folder)
    #expect(report.diagnostics.map(\.description) == [])
    // The disk on q35's own AHCI brings that controller's driver (8086:2922, class 01.06.01) and the SCSI disk type.
    let machine = try #require(try LessonLoader.parse(text, file: file.path).get().machine)
    let aliases = try #require(MachineProbe.standard(machine)).modaliases(for: machine)
    #expect(aliases.contains("pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01"), "\(aliases)")
    #expect(aliases.contains("scsi:t-0x00"))
    try Data(text.replacingOccurrences(of: "bus: xhci.0", with: "bus: xhci.3").utf8).write(to: file)
    let wrong = try LintReport.run(paths: [file], checksDirectory: Repository.checks, course: [], cacheDirectory: folder)
    #expect(wrong.diagnostics.map(\.description).contains { $0.contains("QEMU refuses this usb-storage: Bus 'xhci.3' not found") })
  }
}
