import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a log qlearn keeps on the host for a running VM: the console, or a device's log.",
      discussion: """
        `console` is everything the guest printed on its serial console. A device with a `log` (for example \
        isa-debugcon in the seabios-debug lesson, whose log is `seabios`) writes into a log of that name.

        Examples:
          qlearn log seabios
          qlearn log console --lesson nvme-queues | tail
          qlearn log console --raw > console.txt

        Control characters (the escape sequences a shell or firmware sends) are shown as � unless --raw.
        """)

    @Argument(help: "The log's name: console, or a device's log name.")
    var name: String = "console"

    @OptionGroup var lesson: LessonOption

    @Flag(help: "Copy the log byte for byte, escape sequences included (for a file or a pipe, not a terminal).")
    var raw = false

    @OptionGroup var course: CourseOptions

    func run() async throws {
      guard Identifier.isValid(name) else { throw ValidationError("'\(TerminalSafe.clip(name))' is not a log name.") }
      let directory = try SessionResolver.directory(lesson.id, paths: course.paths)
      let file = directory.layout.hostLog(name)
      guard let data = FileManager.default.contents(atPath: file.path) else {
        let logs = ((try? FileManager.default.contentsOfDirectory(atPath: directory.url.path)) ?? [])
          .filter { $0.hasPrefix("log-") && $0.hasSuffix(".log") }.map { String($0.dropFirst(4).dropLast(4)) }
        throw ValidationError(
          "The VM of '\(directory.lesson)' has no log '\(name)'. Its logs: \((["console"] + logs.sorted()).joined(separator: ", ")).")
      }
      if raw {
        try? FileDescriptorIO.writeAll(data, to: STDOUT_FILENO)
        return
      }
      // Guest and firmware output: shown as text, never as raw terminal control sequences.
      print(ConsoleLog.readable(data), terminator: "")
    }
  }
}
