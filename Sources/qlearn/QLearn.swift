import ArgumentParser
import Foundation
import QLearnKit

@main
struct QLearn: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qlearn",
    abstract: "Study Linux and hardware in real QEMU virtual machines, one graded lesson at a time.",
    discussion: """
      Start with `qlearn list`, read a lesson with `qlearn show <id>`, boot it with `qlearn start <id>`.
      Exit status: 0 ok, 1 a lesson, VM or grading failure, 64 a usage error.
      """,
    subcommands: [
      List.self, Show.self, Start.self, Attach.self, Check.self, Hint.self, Answer.self, Next.self, Goto.self,
      Skip.self, Monitor.self, Exec.self, Log.self, Status.self, Stop.self, Kernels.self, Verify.self,
      Lint.self, Progress.self, Reset.self, Pool.self, Serve.self, Supervise.self,
    ]
  )

  /// Like ArgumentParser's own entry point, but a qlearn error also prints its recovery suggestion: every error a
  /// learner meets says what to do next.
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as LocalizedError {  // ArgumentParser's own errors are not LocalizedError
      var text = "Error: " + (error.errorDescription ?? "\(error)")
      if let suggestion = error.recoverySuggestion { text += "\n" + suggestion }
      printError(TerminalSafe.line(text))
      Foundation.exit(1)
    } catch {
      exit(withError: error)
    }
  }
}
