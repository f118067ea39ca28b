import Foundation
import Testing

@testable import QLearnKit

@Suite struct QEMUCommandLineTests {
  static let plan = BootPlan(
    accelerator: .tcg, kernel: URL(fileURLWithPath: "/cache/vmlinux"), initrd: URL(fileURLWithPath: "/cache/i.cpio"),
    kernelArguments: ["console=ttyS0"], sessionDirectory: URL(fileURLWithPath: "/run/s"),
    qbootImage: URL(fileURLWithPath: "/usr/share/qemu/qboot.rom"), tapNames: ["t0": "qltap0"])

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
    #expect(InitramfsBuilder.kernelArguments(lpj: 1, legacyInterrupts: false).contains("acpi=noirq"))
    #expect(!InitramfsBuilder.kernelArguments(lpj: 1, legacyInterrupts: true).contains("acpi=noirq"))
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

  @Test(arguments: Course(paths: [Repository.lessons]).lessons.map(\.id))
  func noTCGOnlyKernelArgumentReachesAKVMGuest(id: String) throws {
    let machine = try #require(Course(paths: [Repository.lessons]).lesson(id)).machine
    let kvm = SessionLauncher.kernelArguments(for: machine, accelerator: .kvm, lpj: 4_000_000)
    #expect(!kvm.contains { $0.hasPrefix("lpj=") }, "lpj is measured under TCG")
    #expect(!kvm.contains("noapictimer"))
    #expect(!kvm.contains { $0.hasPrefix("initcall_blacklist=") })
    let tcg = SessionLauncher.kernelArguments(for: machine, accelerator: .tcg, lpj: 4_000_000)
    #expect(tcg.contains("lpj=4000000") && tcg.contains("noapictimer"))
  }
}
