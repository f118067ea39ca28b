import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read a lesson: its overview, machine, steps and prose.",
      discussion: """
        Long text is paged through $PAGER (default: less -R -F -X -K) on a terminal: q or Ctrl-C quits, and \
        PAGER= (empty) prints it all at once. Colour follows the terminal; set \
        NO_COLOR for plain text. Text from the lesson never reaches the terminal raw: control characters and escape \
        sequences are shown visibly (as ^[ and the like) instead.

        Examples:
          qlearn show nvme-queues
          qlearn show nvme-queues --step pin-io
        """)

    @Argument(help: "The lesson id (see `qlearn list`).")
    var lesson: String

    @Option(help: ArgumentHelp("Show only this step's prose (by step id).", valueName: "step"))
    var step: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let lesson = try course.lesson(self.lesson, in: course.course())
      if Terminal.isTerminal(1) { PoolRefill.start([lesson.id], course: course) }  // warm pool: boot it while it is read
      let style = TerminalStyle.detect()
      let renderer = MarkdownRenderer(style: style)
      let text: String
      if let stepID = step {
        guard let index = lesson.steps.firstIndex(where: { $0.id == stepID }) else {
          throw ValidationError(
            "Lesson '\(lesson.id)' has no step '\(TerminalSafe.clip(stepID))'"
              + Spelling.didYouMean(stepID, in: lesson.steps.map(\.id))
              + ". Its steps: \(lesson.steps.map(\.id).joined(separator: ", ")).")
        }
        let step = lesson.steps[index]
        let prose = MarkdownSections.section(of: lesson.body, heading: step.heading) ?? ""
        text = renderer.render("## Step \(index + 1) of \(lesson.steps.count): \(step.title)\n\n*\(step.goal)*\n\n\(prose)")
      } else {
        text = renderer.render("# \(lesson.title)\n\n" + LessonOverview.markdown(lesson)) + "\n"
          + renderer.render(LessonOverview.droppingTitleHeading(lesson))
      }
      try Pager.present(text, style: style)
    }
  }
}
