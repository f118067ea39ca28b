import Foundation

/// What the guest looked like when a step began, so checks can ask "since the step began": the kernel log's position
/// and the interrupt counters. Kept in the session folder (`baseline.json`) because every `qlearn check` is a new process.
///
/// The first step of a session began when the guest became ready: its log baseline is the mark `/init` wrote then (see
/// ``GuestProbes/bootMark(_:)``) and its interrupt counters start from zero, which needs no hook in the launcher and is
/// what "since the step began" means for that step.
public struct StepBaseline: Codable, Sendable, Equatable {
  public var step: String
  public var takenAt: Date
  /// The kernel log's length and last line when the step began; nil for "since boot".
  public var dmesg: DmesgMark?
  /// `/proc/interrupts` when the step began; nil for "since boot" (every counter started at zero).
  public var interrupts: InterruptTable?

  public init(step: String, takenAt: Date = Date(), dmesg: DmesgMark?, interrupts: InterruptTable?) {
    self.step = step
    self.takenAt = takenAt
    self.dmesg = dmesg
    self.interrupts = interrupts
  }

  public static func file(in directory: SessionDirectory) -> URL {
    directory.baselineFile
  }

  public static func load(from directory: SessionDirectory) -> StepBaseline? {
    guard let data = try? Data(contentsOf: file(in: directory)) else { return nil }
    return try? JSONDecoder.session.decode(StepBaseline.self, from: data)
  }

  public func save(in directory: SessionDirectory) throws {
    try JSONEncoder.session.encode(self).write(to: Self.file(in: directory), options: .atomic)
  }

  /// Snapshots the live guest now.
  public static func take(step: String, session: LiveSession) async throws -> StepBaseline {
    let mark = try await GuestProbes.dmesgMark(session)
    let table = try await GuestProbes.interrupts(session)
    return StepBaseline(step: step, dmesg: mark, interrupts: table)
  }
}
