import ArgumentParser
import QLearnKit

extension QLearn {
  struct Monitor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open the QEMU monitor of a running lesson VM.",
      discussion: """
        Accepts QEMU's human monitor commands as the tutorial types them at `(qemu)`, for example:
          device_add qemu64-x86_64-cpu,id=cpu2,socket-id=0,core-id=3,thread-id=0
          object_add memory-backend-ram,id=mem1,size=1G
          device_add pc-dimm,id=dimm1,memdev=mem1
          device_del nvme0
          system_powerdown
          info pci
        Ctrl-D leaves the monitor; the VM keeps running.
        """)

    @Argument(help: "The lesson (default: the only running one).")
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      try await MonitorPrompt(directory: try SessionResolver.directory(lesson, paths: course.paths)).run(returnOnEmptyLine: false)
    }
  }
}
