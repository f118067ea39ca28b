import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Lint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check lessons and the check library against the lesson format.",
      discussion: """
        Lint reads each lesson's front matter and reports every problem with its file:line:column, the key path, what \
        was expected and what was found: schema errors and unknown keys (with the closest known one), buses, disks and \
        backends that do not resolve, colliding PCI addresses, chassis and bus numbers and SCSI addresses, NUMA nodes that \
        do not cover the CPUs exactly once, memory that does not add up, devices and properties the installed QEMU lacks \
        (asked of QEMU itself and cached), steps without checks, solution or prose, checks that do not exist in Checks/ \
        or get the wrong parameters, and prerequisites that name no lesson.

        Exit status: 0 when everything is clean, 1 when a lesson has a problem, 64 on a usage error.

        Examples:
          qlearn lint                     # ./Lessons
          qlearn lint Lessons/nvme-queues.md
          qlearn lint --checks my/Checks my/Lessons
        """)

    @Argument(help: "Lesson files or folders (default: the lesson folders qlearn uses).")
    var paths: [String] = []

    @Option(help: ArgumentHelp("The check library (default: the Checks folder beside the lessons).", valueName: "dir"))
    var checks: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let targets = paths.isEmpty ? course.lessonFolders : paths.map { URL(fileURLWithPath: $0) }
      for path in paths where !FileManager.default.fileExists(atPath: path) {
        throw ValidationError("No such file or folder: \(path)")
      }
      let checksDirectory = checks.map { URL(fileURLWithPath: $0) } ?? Course.checksDirectory(for: targets)
      let report = try LintReport.run(
        paths: targets, checksDirectory: checksDirectory, course: course.lessonFolders,
        cacheDirectory: course.paths.cache)
      for diagnostic in (report.diagnostics + report.warnings).sorted(by: { $0.location < $1.location }) {
        print(TerminalSafe.line(diagnostic.description))
      }
      if !report.qemuChecked {
        printError("note: qemu-system-x86_64 was not found; devices and properties were not checked against QEMU.")
      }
      if checksDirectory == nil {
        printError("note: no Checks/ folder was found; every check name is reported unknown.")
      }
      let problems = report.diagnostics.count
      let warned = report.warnings.isEmpty ? "" : ", \(report.warnings.count) warning(s)"
      print(
        problems == 0
          ? "\(report.lessonCount) lesson(s) checked: no problems\(warned)."
          : "\(report.lessonCount) lesson(s) checked: \(problems) problem(s)\(warned).")
      if problems > 0 { throw ExitCode.failure }
    }
  }
}
