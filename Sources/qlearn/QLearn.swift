import ArgumentParser
import QLearnKit

@main
struct QLearn: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "qlearn",
    abstract: "Study Linux and hardware in real QEMU virtual machines, one graded lesson at a time.",
    subcommands: [List.self, Show.self, Lint.self, Progress.self, Reset.self, DebugRecord.self, Supervise.self]
  )
}
