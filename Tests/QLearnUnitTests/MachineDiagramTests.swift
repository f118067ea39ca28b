import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit
@testable import QLearnWeb

/// The machine picture is drawn from the typed model: every device under the bus the lesson put it on.
@Suite struct MachineDiagramTests {
  @Test func aPCIeSwitchNestsItsPortsAndDevicesUnderTheRootPort() throws {
    let course = Course(paths: [Repository.lessons])
    let lesson = try #require(course.lesson("pcie-switch"))
    let rows = MachineDiagram.nodes(lesson.machine).map { (String(repeating: "  ", count: $0.depth) + $0.label) }
    let expected = [
      "  pcie.0", "    root_port1: ioh3420", "      upstream1: x3130-upstream", "        downstream1: xio3130-downstream",
      "          nvme0: nvme", "            disk disk0", "        downstream2: xio3130-downstream",
      "          vblk0: virtio-blk-pci", "            disk disk1",
    ]
    let start = try #require(rows.firstIndex(of: "  pcie.0"), "\(rows)")
    #expect(Array(rows[start..<min(rows.count, start + expected.count)]) == expected, "\(rows)")
    #expect(rows.first == "machine q35")
  }

  @Test func numaNodesAreDrawnWithTheirMemoryAndCPUs() throws {
    let course = Course(paths: [Repository.lessons])
    let lesson = try #require(course.lesson("numa"))
    let nodes = MachineDiagram.nodes(lesson.machine).filter { $0.label.hasPrefix("NUMA node") }
    #expect(nodes.count == lesson.machine.numa.count)
    #expect(nodes.count >= 2)
    #expect(nodes.allSatisfy { $0.detail.contains("CPUs") })
    let svg = MachineDiagram.svg(lesson.machine)
    #expect(svg.contains(">NUMA node 0<"))
  }
}
