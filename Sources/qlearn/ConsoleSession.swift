import ArgumentParser
import Foundation
import QLearnKit

/// The learner's terminal on a session: the guest console, with Ctrl-] commands to detach or open the monitor.
struct ConsoleSession {
  let directory: SessionDirectory

  func run() async throws {
    printError("Connected to the console of \(directory.lesson). Ctrl-] d detaches, Ctrl-] m opens the QEMU monitor, Ctrl-] ? helps.")
    while true {
      _ = try SessionResolver.running(directory)
      let socket = try UnixSocket.connect(path: directory.layout.consoleSocket.path, timeout: .seconds(5))
      // A fresh line makes the shell print its prompt, so the learner is not left before a blank screen.
      try? socket.writeAll(Array("\n".utf8), until: .now + .seconds(1))
      let action = try await ConsoleProxy(socket: socket).attach()
      socket.close()
      switch action {
      case .detached:
        printError("\nDetached. The VM keeps running: `qlearn attach \(directory.lesson)` returns, `qlearn stop \(directory.lesson)` ends it.")
        return
      case .monitor:
        printError("\nQEMU monitor of \(directory.lesson): type commands such as `info pci`, `device_add ...`; an empty line or Ctrl-D returns to the console.")
        try await MonitorPrompt(directory: directory).run(returnOnEmptyLine: true)
      case .check:
        // The console was started without the command's options; the defaults (and QLEARN_* variables) apply.
        printError("")
        do {
          let course = try CourseOptions.parse([])
          _ = try await GradingOutput.check(try GradingContext.open(directory: directory, course: course))
        } catch let error as SessionError {
          throw error
        } catch {
          printError(TerminalSafe.line("Could not grade: " + ((error as? LocalizedError)?.errorDescription ?? "\(error)")))
        }
        printError("Back to the console.")
      case .guestClosed:
        _ = try SessionResolver.running(directory)
        throw SessionError.vmGone(lesson: directory.lesson, reason: "the console closed")
      case .inputClosed:
        return
      }
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
        if case .vmGone = error { throw SessionError.vmGone(lesson: directory.lesson, reason: "QEMU closed its monitor") }
        print(error.localizedDescription)
      }
    }
  }
}
