import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Prove lessons' steps: each fails on a fresh VM and passes after its reference solution.",
      discussion: """
        For each lesson, boots its machine in a private runtime folder (never your running sessions), then for each \
        step in order: grades it (at least one check must fail), runs its reference solution, and grades it again \
        (every check must pass, allowing a few seconds for asynchronous effects such as hotplug and kernel \
        messages). Lessons whose host requirements are missing are reported as skipped, with the reason. \
        Exit status: 0 when every lesson that ran is proven, 1 on any defect.

        Examples:
          qlearn verify nvme-queues
          qlearn verify --all -j 2 --format tap
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, tap, junit }

    @Argument(help: "Lessons to verify.")
    var lessons: [String] = []

    @Flag(help: "Verify every lesson of the course.")
    var all = false

    @Option(help: "text, tap (Test Anything Protocol), or junit (JUnit XML, printed when all lessons are done).")
    var format: Format = .text

    @Option(name: .customShort("j"), help: ArgumentHelp("Lessons to verify at once.", valueName: "n"))
    var jobs: Int = 1

    @OptionGroup var boot: BootOptions
    @OptionGroup var course: CourseOptions

    func validate() throws {
      if lessons.isEmpty && !all { throw ValidationError("Name lessons to verify, or give --all.") }
      if !lessons.isEmpty && all { throw ValidationError("Give lesson ids or --all, not both.") }
      if jobs < 1 { throw ValidationError("-j must be at least 1.") }
    }

    func run() async throws {
      let course = self.course.course()
      let selected = all ? course.lessons : try lessons.map { try self.course.lesson($0, in: course) }
      let verifier = LessonVerifier(
        library: try GradingContext.library(self.course), paths: self.course.paths, options: try boot.launchOptions())
      let printer = VerifyPrinter(format: format)
      var reports: [LessonVerifier.LessonReport] = []
      await withTaskGroup(of: LessonVerifier.LessonReport.self) { group in
        var pending = selected[...]
        for _ in 0..<min(jobs, pending.count) {
          if let lesson = pending.popFirst() { group.addTask { await verifier.verify(lesson) } }
        }
        for await report in group {
          printer.print(report)
          reports.append(report)
          if let lesson = pending.popFirst() { group.addTask { await verifier.verify(lesson) } }
        }
      }
      printer.finish(reports)
      if reports.contains(where: { if case .defective = $0.outcome { true } else { false } }) {
        throw ExitCode(1)
      }
    }
  }
}
