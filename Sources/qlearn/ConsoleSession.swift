import ArgumentParser
import Foundation
import QLearnKit
import QLearnWeb

/// The learner's terminal on a session: the guest console, with Ctrl-] commands to detach or open the monitor.
struct ConsoleSession {
  let directory: SessionDirectory
  /// The options the learner gave `start` or `attach` (lessons folders, data folder), used when grading from here.
  let course: CourseOptions

  func run() async throws {
    printError("Connected to the console of \(directory.lesson). Ctrl-] d detaches, Ctrl-] m opens the QEMU monitor, Ctrl-] ? helps.")
    while true {
      _ = try SessionResolver.running(directory)
      // While `qlearn serve` shows this console in a page it holds QEMU's one console connection, and shares it.
      let shared = SharedConsole.connect(directory)
      let socket = try shared ?? UnixSocket.connect(path: directory.layout.consoleSocket.path, timeout: .seconds(5))
      // A fresh line makes the shell print its prompt, so the learner is not left before a blank screen.
      try? socket.writeAll(Array("\n".utf8), until: .now + .seconds(1))
      // Watch mode: while the learner works on the console, the current step is re-graded in the background.
      let watcher = Task { await StepWatcher(directory: directory, course: course).run() }
      let action = try await ConsoleProxy(socket: socket).attach()
      watcher.cancel()
      socket.close()
      switch action {
      case .detached:
        printError("\nDetached. The VM keeps running: `qlearn attach \(directory.lesson)` returns, `qlearn stop \(directory.lesson)` ends it.")
        return
      case .monitor:
        printError("\nQEMU monitor of \(directory.lesson): type commands such as `info pci`, `device_add ...`; an empty line or Ctrl-D returns to the console.")
        try await MonitorPrompt(directory: directory).run(returnOnEmptyLine: true)
      case .check:
        printError("")
        do {
          _ = try await GradingOutput.check(try GradingContext.open(directory: directory, course: course))
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
  static let interval: Duration = .seconds(3)

  func run() async {
    var announced: String?
    while !Task.isCancelled {
      try? await Task.sleep(for: Self.interval)
      guard !Task.isCancelled,
        let session = try? GradingContext.open(directory: directory, course: course, recordProgress: false)
      else { continue }
      defer { Task { await session.live.close() } }
      guard let step = try? await session.currentStep(), step.id != announced,
        let grade = try? await session.grade(step), grade.passed, !Task.isCancelled
      else { continue }
      announced = step.id
      let notice = "\r\n[qlearn] \(TerminalSafe.clip(step.title)): all checks pass. Ctrl-] c records it and moves on.\r\n"
      FileHandle.standardOutput.write(Data(notice.utf8))
    }
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
