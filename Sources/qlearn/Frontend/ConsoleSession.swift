import ArgumentParser
import Foundation
import QLearnKit
import QLearnWeb

/// The learner's terminal on a session: the guest console, with Ctrl-] commands to detach or open the monitor.
struct ConsoleSession {
  let directory: SessionDirectory
  /// The options the learner gave `start` or `attach` (lessons folders, data folder), used when grading from here.
  let course: CourseOptions
  /// The lesson as `start` loaded it; nil (`attach`) loads it once here.
  var lesson: LoadedLesson? = nil

  func run() async throws {
    let lesson = self.lesson ?? GradingContext.load(directory: directory, course: course)
    printError("Connected to the console of \(directory.lesson). Ctrl-] d detaches, Ctrl-] m opens the QEMU monitor, Ctrl-] ? helps.")
    while true {
      _ = try SessionResolver.running(directory)
      // While `qlearn serve` shows this console in a page it holds QEMU's one console connection, and shares it.
      let shared = SharedConsole.connect(directory)
      let socket = try shared ?? UnixSocket.connect(path: directory.layout.consoleSocket.path, timeout: .seconds(5))
      // A fresh line makes the shell print its prompt, so the learner is not left before a blank screen.
      try? socket.writeAll(Array("\n".utf8), until: .now + .seconds(1))
      // Watch mode: while the learner works on the console, the current step is re-graded in the background.
      let notices = try ConsoleNotices()
      let watcher = Task { await StepWatcher(directory: directory, course: course, lesson: lesson, notices: notices).run() }
      let sizer = Task { await GuestTerminalSize(directory: directory).run() }
      let action = try await ConsoleProxy(socket: socket, notices: notices).attach()
      watcher.cancel()
      sizer.cancel()
      socket.close()
      switch action {
      case .detached:
        printError("\nDetached. The VM keeps running: `qlearn attach \(directory.lesson)` returns, `qlearn stop \(directory.lesson)` ends it.")
        return
      case .monitor:
        printError("\nQEMU monitor of \(directory.lesson): type commands such as `info pci`, `device_add ...`; Ctrl-D returns to the console.")
        try await MonitorPrompt(directory: directory).run(returnOnEmptyLine: false)
      case .check:
        printError("")
        do {
          _ = try await GradingOutput.check(try GradingContext.open(directory: directory, lesson: lesson, course: course))
        } catch let error as SessionError {
          throw error
        } catch {
          printError(TerminalSafe.line("Could not grade: " + ((error as? LocalizedError)?.errorDescription ?? "\(error)")))
        }
        printError("Back to the console.")
      case .guestClosed:
        // The server that shared the console stopped; the VM itself may well be running: attach to it directly.
        if shared != nil, (try? SessionResolver.running(directory)) != nil { continue }
        throw await SessionResolver.gone(directory, reason: "the console closed")
      case .inputClosed:
        return
      }
    }
  }
}

/// Re-grades the current step every few seconds while the console is attached, and says once, on a line of its own,
/// when it passes: the learner then knows that `Ctrl-] c` (or `qlearn check`) will record it. Nothing is recorded here,
/// and what the learner has typed stays in the guest shell's line buffer untouched (only the screen gains a line).
struct StepWatcher {
  let directory: SessionDirectory
  let course: CourseOptions
  /// Loaded once for the whole console session (nil: re-read at each look, and grading says why it cannot).
  let lesson: LoadedLesson?
  let notices: ConsoleNotices
  static let interval: Duration = .seconds(3)

  func run() async {
    var announced: String?
    while !Task.isCancelled {
      try? await Task.sleep(for: Self.interval)
      guard !Task.isCancelled,
        let session = try? GradingContext.open(
          directory: directory, lesson: lesson, course: course, recordProgress: false)
      else { continue }
      defer { Task { await session.live.close() } }
      guard let step = try? await session.currentStep(), step.id != announced,
        let grade = try? await session.grade(step), grade.passed, !Task.isCancelled,
        Self.stillCurrent(step, in: directory, course: course, lesson: session.lesson)
      else { continue }
      announced = step.id
      notices.post("[qlearn] \(TerminalSafe.clip(step.title)): all checks pass. Ctrl-] c records it and moves on.")
    }
  }
}

extension StepWatcher {
  /// Whether `step` is still the one to announce after grading it: not moved on from, nor recorded as passed meanwhile
  /// (`qlearn check` in another pane).
  static func stillCurrent(_ step: Step, in directory: SessionDirectory, course: CourseOptions, lesson: Lesson) -> Bool {
    guard (try? directory.readRecord())?.step == step.id else { return false }
    guard let store = try? ProgressStore(directory: course.paths.data),
      let state = try? store.progress(lesson: lesson.id, steps: [step.id]).steps.first?.state
    else { return true }
    return state != .passed && state != .skipped
  }
}

/// Gives the guest console the learner's terminal size (`stty rows R cols C` on ttyS0, through the guest agent) on
/// attach and whenever the terminal is resized (SIGWINCH), so full-screen programs and line wrapping in the guest fit.
struct GuestTerminalSize {
  let directory: SessionDirectory

  func run() async {
    guard isatty(STDIN_FILENO) == 1 else { return }
    signal(SIGWINCH, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGWINCH)
    let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    source.setEventHandler { continuation.yield() }
    source.resume()
    defer { source.cancel() }
    var last: (Int, Int)?
    await apply(&last)
    for await _ in changes {
      if Task.isCancelled { break }
      await apply(&last)
    }
  }

  func apply(_ last: inout (Int, Int)?) async {
    var size = winsize()
    // Raw: a probe whose failure is the answer (stdin is not a terminal), not an error to report.
    guard ioctl(STDIN_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return }
    let now = (Int(size.ws_row), Int(size.ws_col))
    if let last, last == now { return }
    last = now
    let live = LiveSession(directory: directory, lesson: directory.lesson, timeout: .seconds(3))
    _ = try? await live.shell("stty -F /dev/ttyS0 rows \(now.0) cols \(now.1)")
    await live.close()
  }
}

/// A `(qemu)` prompt over QMP's `human-monitor-command`, so the seed's monitor commands work as typed.
struct MonitorPrompt {
  let directory: SessionDirectory

  func run(returnOnEmptyLine: Bool) async throws {
    _ = try SessionResolver.running(directory)
    let qmp = try await QMPClient.connect(path: directory.layout.monitorSocket.path)
    defer { qmp.close() }
    while true {
      print("(qemu) ", terminator: "")
      fflush(nil)
      guard let line = readLine() else { print(""); return }
      let command = line.trimmingCharacters(in: .whitespaces)
      if command.isEmpty {
        if returnOnEmptyLine { return }
        continue
      }
      if ["quit", "q"].contains(command) {
        print("`quit` would end QEMU under qlearn's feet; use `qlearn stop \(directory.lesson)` to end the VM.")
        continue
      }
      do {
        let output = try await qmp.humanMonitorCommand(command, timeout: .seconds(30))
          .replacingOccurrences(of: "\r\n", with: "\n")
        print(TerminalSafe.line(output), terminator: output.hasSuffix("\n") || output.isEmpty ? "" : "\n")
      } catch let error as QMPError {
        if case .vmGone = error { throw await SessionResolver.gone(directory, reason: "QEMU closed its monitor") }
        print(error.localizedDescription)
      }
    }
  }
}
