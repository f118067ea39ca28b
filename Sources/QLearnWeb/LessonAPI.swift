import Foundation
import QLearnKit

/// What the lesson page asks the server, as JSON; each action is the library call its `qlearn` command makes.
struct LessonAPI {
  let web: WebCourse
  let lesson: Lesson

  struct StepView: Encodable {
    var id: String
    var number: Int
    var count: Int
    var title: String
    var goal: String
    var hints: [String]
    var hintCount: Int
  }

  struct StepState: Encodable {
    var id: String
    var state: String
  }

  struct State: Encodable {
    var running: Bool
    var accelerator: String?
    var kernel: String?
    var booting: Bool
    var bootLines: [String]
    var bootFailure: String?
    var step: StepView?
    var finished: Bool
    var steps: [StepState]
  }

  struct CheckLine: Encodable {
    var label: String
    var passed: Bool
    var expected: String
    var actual: String
  }

  struct CheckView: Encodable {
    var step: String
    var checks: [CheckLine]
    var passed: Bool
    var hint: String?
    var next: StepView?
    var finished: Bool
  }

  struct Message: Encodable { var message: String }
  struct MonitorOutput: Encodable { var output: String }
  struct Watch: Encodable { var step: String?; var passed: Bool }

  func view(_ step: Step, revealed: Int) -> StepView {
    StepView(
      id: step.id, number: (lesson.steps.firstIndex { $0.id == step.id } ?? 0) + 1, count: lesson.steps.count,
      title: step.title, goal: step.goal, hints: Array(step.hints.prefix(revealed)), hintCount: step.hints.count)
  }

  func state() async throws -> State {
    let store = try web.store()
    let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
    let boot = web.boots.snapshot(lesson.id)
    let booting = boot.map { !$0.finished } ?? false
    var state = State(
      running: false, booting: booting, bootLines: boot?.lines ?? [], bootFailure: boot?.failure, step: nil,
      finished: false, steps: progress.steps.map { StepState(id: $0.step, state: $0.state.rawValue) })
    guard !booting, let record = web.runningRecord(lesson) else { return state }
    state.running = true
    state.accelerator = record.accelerator
    state.kernel = record.kernel
    if let id = record.step, let step = lesson.steps.first(where: { $0.id == id }) {
      state.step = view(step, revealed: try store.hintsRevealed(lesson: lesson.id, step: step.id))
    } else {
      state.finished = true
    }
    return state
  }

  func start(options: LaunchOptions) throws -> Message {
    if web.runningRecord(lesson) != nil { return Message(message: "\(lesson.id) is already running.") }
    try web.boots.start(lesson, paths: web.paths, options: options)
    return Message(message: "Booting \(lesson.id).")
  }

  func stop() async throws -> Message {
    try await SessionResolver.stop(web.session(lesson))
    return Message(message: "Stopped the VM of '\(lesson.id)'.")
  }

  /// `qlearn check`: a line per check, expected and actual on failure, the next hint, or the next step.
  func check() async throws -> CheckView {
    let session = try web.grading(lesson)
    defer { Task { await session.live.close() } }
    let result = try await session.check()
    let lines = result.grade.checks.map {
      CheckLine(label: $0.label, passed: $0.passed, expected: $0.expected, actual: $0.actual)
    }
    return CheckView(
      step: result.step.title, checks: lines, passed: result.grade.passed,
      hint: result.hint.map { "Hint \($0.number)/\($0.count): \($0.text)" },
      next: result.next.map { view($0, revealed: 0) }, finished: result.grade.passed && result.next == nil)
  }

  /// `qlearn hint`: reveals (and records) the next hint.
  func hint() async throws -> Message {
    let session = try web.grading(lesson)
    defer { Task { await session.live.close() } }
    guard let step = try await session.currentStep() else { throw GradingError.lessonFinished(lesson: lesson.id) }
    if step.hints.isEmpty { return Message(message: "This step has no hints.") }
    guard let hint = try session.revealHint(step) else { return Message(message: "Every hint of this step is revealed.") }
    return Message(message: "Hint \(hint.number)/\(hint.count): \(hint.text)")
  }

  /// `qlearn answer`.
  func answer(_ text: String) async throws -> Message {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, trimmed.count <= 1000 else { throw WebError.badRequest("Give an answer (at most 1000 characters).") }
    let session = try web.grading(lesson)
    defer { Task { await session.live.close() } }
    try await session.answer(trimmed)
    return Message(message: "Recorded. Check grades it.")
  }

  /// `qlearn next`.
  func next() async throws -> Message {
    let session = try web.grading(lesson)
    defer { Task { await session.live.close() } }
    if let next = try await session.next() { return Message(message: "Step \(next.title).") }
    return Message(message: "That was the last step of '\(lesson.id)'.")
  }

  /// Watch mode, as on the console: grades the current step without recording anything.
  func watch() async throws -> Watch {
    guard web.runningRecord(lesson) != nil else { return Watch(step: nil, passed: false) }
    let session = try web.grading(lesson, record: false)
    defer { Task { await session.live.close() } }
    guard let step = try await session.currentStep() else { return Watch(step: nil, passed: false) }
    return Watch(step: step.id, passed: try await session.grade(step).passed)
  }

  /// `qlearn monitor`: one human monitor command over QMP.
  func monitor(_ command: String) async throws -> MonitorOutput {
    let line = command.trimmingCharacters(in: .whitespaces)
    guard !line.isEmpty, line.count <= 1000, !line.contains("\n") else {
      throw WebError.badRequest("Type one monitor command, such as `info pci`.")
    }
    if ["quit", "q"].contains(line) {
      return MonitorOutput(output: "`quit` would end QEMU under qlearn's feet; use Stop to end the VM.\n")
    }
    let directory = try SessionResolver.directory(lesson.id, paths: web.paths)
    _ = try SessionResolver.running(directory)
    let qmp = try await QMPClient.connect(path: directory.layout.monitorSocket.path)
    defer { qmp.close() }
    let output = try await qmp.humanMonitorCommand(line, timeout: .seconds(30))
    return MonitorOutput(output: output.replacingOccurrences(of: "\r\n", with: "\n"))
  }

  /// The page's terminal size, to the guest's serial tty (a serial line carries no window size): `stty` through the
  /// guest agent, which also sends the shell SIGWINCH.
  func resize(columns: Int, rows: Int) async throws {
    guard (10...500).contains(columns), (4...300).contains(rows) else { return }
    let session = LiveSession(directory: web.session(lesson), lesson: lesson.id)
    defer { Task { await session.close() } }
    _ = try await session.shell("stty -F /dev/ttyS0 rows \(rows) cols \(columns)")
  }
}
