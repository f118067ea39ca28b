import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a command in a lesson VM's guest, print its output, and exit with its status.",
      discussion: """
        The command runs as root through the guest agent (qlearn's private channel), not on the console, so it does \
        not disturb what you type there. Its words are passed to /bin/sh -c, quoted as given.

        Examples:
          qlearn exec -- grep nvme0q /proc/interrupts
          qlearn exec -- ls /sys/block/nvme0n1/mq
          qlearn exec -- sh -c 'dmesg | grep nvme'
        """)

    @OptionGroup var lesson: LessonOption

    @Option(help: ArgumentHelp("Seconds the command may run.", valueName: "seconds"))
    var timeout: Int = 30

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after `--`.")
    var command: [String] = []

    @OptionGroup var course: CourseOptions

    func validate() throws {
      if command.isEmpty { throw ValidationError("Give the command after `--`, e.g. `qlearn exec -- uname -r`.") }
      if timeout < 1 { throw ValidationError("--timeout must be at least 1 second.") }
    }

    func run() async throws {
      let directory = try SessionResolver.directory(lesson.id, paths: course.paths)
      _ = try SessionResolver.running(directory)
      let agent: GuestAgentClient
      do {
        agent = try await GuestAgentClient.connect(
          path: directory.layout.agentSocket.path, timeout: .seconds(5))
      } catch {
        _ = try SessionResolver.running(directory)  // a dead VM says so rather than "agent unresponsive"
        throw error
      }
      defer { agent.close() }
      let line = command.map(ShellQuote.word).joined(separator: " ")
      let result: GuestExecResult
      do {
        result = try await agent.shell(line, timeout: .seconds(timeout))
      } catch {
        _ = try SessionResolver.running(directory)
        throw error
      }
      try? FileDescriptorIO.writeAll(result.stdout, to: STDOUT_FILENO)
      try? FileDescriptorIO.writeAll(result.stderr, to: STDERR_FILENO)
      if result.exitCode != 0 { throw ExitCode(Int32(truncatingIfNeeded: result.exitCode)) }
    }
  }
}
