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
          qlearn verify --all --shard 2/4 --format junit > verify-2.xml

        While lessons are graded, the next one boots ahead into a pool of the run's own (paused until its turn), \
        which hides most of its boot: `--no-look-ahead` turns that off. With -j above 1 the lessons expected to take \
        longest (their steps and the waits in their solutions) start first, so the run does not end with one alone.
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

    @Option(
      help: ArgumentHelp(
        "Verify only share I of N (1-based) of the selected lessons, for CI runners that split the course: lessons are "
          + "dealt in course order to the share with the least estimated work so far (a boot, its steps, and the waits in its solutions), so every runner "
          + "computes the same split.",
        valueName: "I/N"))
    var shard: Shard?

    @Flag(help: "Do not boot the next lesson while the current ones are graded (each lesson then boots when its turn comes).")
    var noLookAhead = false

    @OptionGroup var boot: BootOptions
    @OptionGroup var course: CourseOptions

    func validate() throws {
      if lessons.isEmpty && !all { throw ValidationError("Name lessons to verify, or give --all.") }
      if !lessons.isEmpty && all { throw ValidationError("Give lesson ids or --all, not both.") }
      if jobs < 1 { throw ValidationError("-j must be at least 1.") }
    }

    func run() async throws {
      let course = self.course.course()
      var selected = all ? course.lessons : try lessons.map { try self.course.lesson($0, in: course) }
      selected = selected.enumerated().filter { index, lesson in !selected[..<index].contains { $0.id == lesson.id } }.map(\.1)
      if let shard { selected = CourseVerifier.shard(selected, index: shard.index, of: shard.count) }
      let verifier = LessonVerifier(
        library: try GradingContext.library(self.course), paths: self.course.paths, options: try boot.launchOptions())
      let printer = VerifyPrinter(format: format)
      let reports = await CourseVerifier(verifier: verifier, jobs: jobs, lookAhead: !noLookAhead).run(selected) {
        printer.print($0)
      }
      printer.finish(reports)
      if reports.contains(where: { if case .defective = $0.outcome { true } else { false } }) {
        throw ExitCode(1)
      }
    }
  }
}

/// `--shard I/N`: the I-th of N deterministic shares of the lessons (1-based).
struct Shard: ExpressibleByArgument, Sendable {
  let index: Int
  let count: Int

  init?(argument: String) {
    let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index)
    else { return nil }
    self.index = index
    self.count = count
  }
}