import Foundation

/// One saved machine: the state of a running VM at the moment a step began, in its own folder of the session folder
/// (`checkpoints/<sequence>-<step>/`).
///
/// - `state.bin`: QEMU's migration stream (RAM, CPUs, every device), written by QEMU itself through a descriptor qlearn
///   passed it (QMP `getfd` + `migrate uri=fd:`), while the guest was paused.
/// - `disk-*`: copies of the session's disk images taken while the guest was still paused and after the migration
///   completed. At completion QEMU has flushed and inactivated every block device, so the files on disk are exactly
///   the disks the saved RAM and device state belong to; copying them then is the consistent snapshot. (A qcow2
///   internal snapshot would need `savevm`, which QEMU refuses for raw disks; per-checkpoint overlays would chain
///   backing files across steps.) Copies are sparse and reflinked where the file system can, so a 64 MiB disk with a few
///   MiB written costs a few MiB.
/// - `baseline.json`: the step's baseline as it was when the step began (dmesg mark, interrupt counts), so checks that
///   count "since the step began" count from the restored machine's own beginning.
/// - `checkpoint.json`: this ``Checkpoint`` (which step, when, how long the save took).
public struct Checkpoint: Codable, Sendable, Equatable {
  /// The step whose starting state this is.
  public var step: String
  /// Increases with every checkpoint of a session; the newest of a step wins.
  public var sequence: Int
  public var takenAt: Date
  /// The record's `stepStartedAt` when the checkpoint was taken (nil for the first step, which began at boot).
  public var stepStartedAt: Date?
  /// How long the guest stood paused for the save.
  public var seconds: Double

  public init(step: String, sequence: Int, takenAt: Date = Date(), stepStartedAt: Date?, seconds: Double = 0) {
    self.step = step
    self.sequence = sequence
    self.takenAt = takenAt
    self.stepStartedAt = stepStartedAt
    self.seconds = seconds
  }

  /// The folder name: a zero-padded sequence (so names sort by age) and the step id (a lesson identifier: letters,
  /// digits, `-` and `_`, checked when the lesson is read).
  public var folderName: String { String(format: "%06d", sequence) + "-" + step }

  public static let metadataName = "checkpoint.json"
  public static let stateName = "state.bin"
  public static let baselineName = "baseline.json"
}
