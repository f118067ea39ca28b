import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct LessonModelTests {
  /// Lint and the decoders may report from several threads into one sink: nothing may be lost or torn.
  @Test func aDiagnosticSinkTakesReportsFromManyThreadsAtOnce() {
    let sink = DiagnosticSink()
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for line in 1...500 {
        sink.error(SourceLocation(file: "t\(thread).md", line: line, column: 1), "machine", "problem")
      }
    }
    #expect(sink.diagnostics.count == 8 * 500)
    #expect(Set(sink.diagnostics.map { "\($0.location.file):\($0.location.line)" }).count == 8 * 500)
  }

  @Test(arguments: [
    ("64M", UInt64(64 << 20)), ("2G", UInt64(2 << 30)), ("2048MiB", UInt64(2048 << 20)), ("4096", UInt64(4096)),
    ("1k", UInt64(1024)),
  ])
  func sizesReadAsQEMUReadsThem(_ text: String, _ bytes: UInt64) {
    #expect(ByteCount(parsing: text)?.bytes == bytes)
  }

  @Test(arguments: ["", "0", "-1M", "1.5G", "12Q", "M", "99999999999999999999T"])
  func badSizesAreRefused(_ text: String) {
    #expect(ByteCount(parsing: text) == nil)
  }

  @Test func sizesPrintInTheShortestExactUnit() {
    #expect(ByteCount(bytes: 2 << 30).description == "2G")
    #expect(ByteCount(bytes: 2304 << 20).description == "2304M")
    #expect(ByteCount(bytes: 1000).description == "1000")
  }

  @Test func spellingSuggestsOnlyLikelyTypos() {
    #expect(Spelling.closest(to: "max_iopairs", in: ["serial", "max_ioqpairs", "drive"]) == "max_ioqpairs")
    #expect(Spelling.closest(to: "minuts", in: LessonDecoder.topKeys) == "minutes")
    #expect(Spelling.closest(to: "scsi_id", in: ["scsi-id", "lun"]) == "scsi-id")
    #expect(Spelling.closest(to: "zzzz", in: ["serial", "drive"]) == nil)
  }

  @Test func templatesFindAndFillReferences() {
    let template = Template("{{op}} {{ value }} on {{op}}")
    #expect(template.references == ["op", "value", "op"])
    #expect(template.filled(with: ["op": ">=", "value": "4"]) == ">= 4 on >=")
  }

  @Test func kernelArgumentsAreWordsQlearnDoesNotOwn() {
    #expect(KernelArgument.problem(with: "intel_iommu=on") == nil)
    #expect(KernelArgument.problem(with: "isolcpus=1,2") == nil)
    #expect(KernelArgument.problem(with: "console=tty0") != nil)
    #expect(KernelArgument.problem(with: "a b") != nil)
    #expect(KernelArgument.problem(with: "x=$(reboot)") != nil)
  }

  @Test func identifiersNeedNoQuotingAnywhere() {
    #expect(Identifier.isValid("nvme0"))
    #expect(Identifier.isValid("pcie_bridge-1"))
    #expect(!Identifier.isValid("0nvme"))
    #expect(!Identifier.isValid("a,b"))
    #expect(!Identifier.isValid("a/b"))
    #expect(!Identifier.isValid("ä"))
  }

  @Test func theCheckLibraryLoadsCleanly() throws {
    let library = try CheckLibrary(directory: Repository.checks)
    #expect(library.diagnostics.map(\.description) == [])
    #expect(library.checks.count >= 15)
    let check = try #require(library.checks["interrupts-on-cpu"])
    guard case .interrupts(let name) = check.inspect else {
      Issue.record("interrupts-on-cpu inspects \(check.inspect)")
      return
    }
    #expect(name.references == ["name"])
  }

  @Test func qemuHelpIsParsed() {
    let devices = QEMUCapabilities.parseDeviceList(
      """
      Storage devices:
      name "nvme", bus PCI, desc "Non-Volatile Memory Express"
      name "scsi-hd", bus SCSI, desc "virtual SCSI disk"
      """)
    #expect(devices == ["nvme", "scsi-hd"])
    let properties = QEMUCapabilities.parsePropertyList(
      """
      nvme options:
        addr=<int32>           - Slot and optional function number, example: 06.0 or 06 (default: -1)
        max_ioqpairs=<uint32>  -  (default: 64)
      """)
    #expect(properties == ["addr", "max_ioqpairs"])
  }

  @Test func frontMatterIsSplitWithLineNumbers() throws {
    let split = try FrontMatter.split("---\nid: x\n---\n# Title\nText\n", file: "x.md")
    #expect(split.yaml == "id: x")
    #expect(split.yamlFirstLine == 2)
    #expect(split.body.hasPrefix("# Title"))
    #expect(split.bodyFirstLine == 4)
    #expect(throws: LessonError.self) { try FrontMatter.split("# no front matter\n", file: "x.md") }
  }
}

@Suite struct SessionSpaceTests {
  @Test func aFullRuntimeFolderIsRefusedBeforeAnyDiskIsCreated() throws {
    let lesson = try #require(try? LessonLoader.load(Repository.lessons.appendingPathComponent("scsi-addressing.md")).get())
    // Four 32M disks and 16 MB for logs.
    #expect(SessionSpace.needed(for: lesson.machine) == (4 * 32 + 16) << 20)
    let folder = URL(fileURLWithPath: "/run/qlearn/s")
    #expect(throws: SessionSpaceError(path: folder.path, needed: 144 << 20, free: 100 << 20)) {
      try SessionSpace.require(for: lesson.machine, at: folder, available: { _ in 100 << 20 })
    }
    try SessionSpace.require(for: lesson.machine, at: folder, available: { _ in 200 << 20 })
    let message = SessionSpaceError(path: folder.path, needed: 144 << 20, free: 100 << 20)
    #expect(message.errorDescription?.contains("/run/qlearn/s") == true)
    #expect(message.recoverySuggestion?.contains("QLEARN_RUNTIME_DIR") == true)
  }
}
