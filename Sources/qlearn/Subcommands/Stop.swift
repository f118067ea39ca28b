import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Shut down a lesson's VM and remove its session (disks and logs included).",
      discussion: "Without a lesson id, stops the only running VM. Progress is kept.")

    @Argument(help: "The lesson whose VM to stop.")
    var lesson: String?

    @Flag(help: "Stop every running VM.")
    var all = false

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let sessions = all ? SessionDirectory.all(course.paths) : [try SessionResolver.directory(lesson, paths: course.paths)]
      for session in sessions {
        try await SessionResolver.stop(session)
        print("Stopped the VM of '\(session.lesson)'.")
      }
    }
  }
}
