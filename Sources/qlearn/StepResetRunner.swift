import Foundation
import QLearnKit

/// `qlearn reset --step` and `qlearn goto` back: resets the VM to a step's start and says how and how long it took.
enum StepResetRunner {
  /// Resets `target` (nil: the current step) of the running lesson `lesson` (nil: the only running one).
  static func run(step target: String?, lesson: String?, course: CourseOptions) async throws {
    let session = try GradingContext.open(lesson: lesson, course: course)
    let current = target == nil ? try await session.currentStep() : nil
    guard let step = try target.map({ try session.step($0) }) ?? current else {
      throw GradingError.lessonFinished(lesson: session.lesson.id)
    }
    try await reset(session, to: step, course: course)
  }

  static func reset(_ session: GradingSession, to step: Step, course: CourseOptions) async throws {
    var options = LaunchOptions()
    if let record = try? session.directory.readRecord() {
      options.accelerator = AcceleratorChoice.Request(rawValue: record.accelerator) ?? .auto
    }
    var reset = StepReset(session: session, paths: course.paths, options: options)
    let display = BootDisplay(lesson: session.lesson.id)
    reset.report = { display.show($0) }
    let lesson = session.lesson
    let number = GradingOutput.number(step, in: lesson)
    switch reset.route(for: step) {
    case .checkpoint(let checkpoint):
      print("Resetting step \(number) from its checkpoint (saved \(WarmPool.age(checkpoint.takenAt)) ago)...")
    case .replay(let reason):
      let earlier = lesson.steps.prefix { $0.id != step.id }.count
      print("Resetting step \(number) by a fresh boot and the reference solutions of the \(earlier) step(s) before it: \(reason).")
    }
    let count = lesson.steps.count
    let outcome = try await reset.reset(to: step) { step, number, seconds, done in
      print("  step \(number)/\(count) \(step.id): " + (done ? "already done" : "applied") + " (" + String(format: "%.1f", seconds) + " s)")
    }
    await outcome.session.live.close()
    print("Step \(number) is back at its start (" + String(format: "%.1f", outcome.seconds) + " s); your progress is kept.")
    GradingOutput.printStep(step, in: lesson, prefix: "Step")
  }
}
