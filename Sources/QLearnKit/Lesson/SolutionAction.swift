/// One action of a reference solution, run in order by `qlearn verify` and `qlearn skip`.
public enum SolutionAction: Sendable, Hashable {
  /// A shell command run in the guest (through the guest agent, by `/bin/sh -c`).
  case guest(String)
  /// A QEMU monitor (HMP) command, as the learner would type it at `(qemu)`.
  case monitor(String)
  /// An answer recorded as if the learner ran `qlearn answer <text>`.
  case answer(String)
  /// A pause of this many seconds, for a guest that must reach a state the agent cannot report from inside (a guest
  /// suspended to idle has a frozen agent: the monitor's wake-up must come after the suspend, not before).
  case wait(Int)
}
