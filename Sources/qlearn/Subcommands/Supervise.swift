import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  /// Internal: owns one session's QEMU. Started by `qlearn start`; not for people.
  ///
  /// Synchronous on purpose: QEMU's parent-death signal follows the thread that spawned it, and the main thread lives
  /// exactly as long as the supervisor.
  struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "_supervise", abstract: "Own a session's QEMU (internal).", shouldDisplay: false)

    @Argument var session: String

    func run() throws {
      try Supervisor.run(session: SessionDirectory(url: URL(fileURLWithPath: session)))
    }
  }
}
