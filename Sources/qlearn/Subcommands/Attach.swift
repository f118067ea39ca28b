import ArgumentParser
import QLearnKit

extension QLearn {
  struct Attach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Attach your terminal to a running lesson VM's console.",
      discussion: "Ctrl-] d detaches again; Ctrl-] m opens the QEMU monitor; Ctrl-] ? shows help.")

    @Argument(help: "The lesson (default: the only running one).")
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      try await ConsoleSession(directory: try SessionResolver.directory(lesson, paths: course.paths), course: course).run()
    }
  }
}
