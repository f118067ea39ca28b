import Foundation

/// Something the learner did on a step other than being graded.
///
/// Record one `hint` event per hint newly revealed: ``ProgressStore/hintsRevealed(lesson:step:)`` counts them.
/// `ungraded` is a `qlearn check` that could not grade (the guest or QEMU did not answer): never a pass or a fail.
public enum ProgressEventKind: String, Sendable, CaseIterable {
  case hint, skip, start, answer, ungraded
}
