/// A lesson: who it is, the machine it boots, the steps a learner takes, and the Markdown prose that teaches them.
/// Decoded from `Lessons/<id>.md` by ``LessonLoader``.
public struct Lesson: Sendable {
  public var id: String
  public var title: String
  public var summary: String
  public var topic: String
  public var prerequisites: [String]
  public var minutes: Int
  public var requires: [HostRequirement]
  /// What the booted guest must offer for the lesson to be doable (e.g. empty CPU slots the kernel accepts), checked
  /// once after boot: a kernel that lacks it makes `qlearn verify` skip the lesson and `qlearn start` warn, with why.
  public var guestRequires: [GuestRequirement] = []
  public var machine: Machine
  public var steps: [Step]
  /// The Markdown after the front matter.
  public var body: String
  /// The line of `file` where ``body`` starts, so headings can be located.
  public var bodyFirstLine: Int
  public var file: String
  /// Where the front matter's keys were, for diagnostics that lint adds later.
  public var locations: [String: SourceLocation]
}

/// Something the host must offer for a lesson to run; a lesson that cannot run here says which and why.
public enum HostRequirement: String, Sendable, Hashable, CaseIterable {
  /// A working `/dev/kvm` (TCG is too slow or lacks the feature).
  case kvm
  /// Creating tap interfaces (`/dev/net/tun` and CAP_NET_ADMIN, in practice root).
  case tap
  /// A host PCI device bound to `vfio-pci`.
  case vfio
  /// Root privileges for something else on the host.
  case root
  /// A guest that reaches past QEMU's user-mode network: the host's own services (10.0.2.2 is the host's loopback)
  /// and the internet. Without it a user netdev is restricted (`restrict=on`); with it the learner must consent once
  /// per lesson (`qlearn start --allow-network`).
  case network

  public var explanation: String {
    switch self {
    case .kvm: "a working /dev/kvm"
    case .tap: "tap networking (/dev/net/tun and root or CAP_NET_ADMIN)"
    case .vfio: "a host PCI device bound to the vfio-pci driver"
    case .root: "root privileges on the host"
    case .network: "network access from the guest to your computer's services and the internet"
    }
  }
}

/// A check the freshly booted guest must pass for the lesson to make sense there, and the reason in words a learner
/// understands when it does not (which kernels or accelerators lack it, and what to use instead).
public struct GuestRequirement: Sendable {
  public var check: CheckUse
  public var because: String
}

public struct Step: Sendable {
  public var id: String
  public var title: String
  /// What the learner must achieve, in one sentence.
  public var goal: String
  /// The Markdown heading whose section holds this step's prose.
  public var heading: String
  public var hints: [String]
  public var checks: [CheckUse]
  public var solution: [SolutionAction]
  public var location: SourceLocation
}

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

/// A lesson's use of a check from the library, with its arguments as written (typed by ``CheckLibrary/validate(_:sink:path:)``).
public struct CheckUse: Sendable {
  public var name: String
  public var arguments: [String: YAMLNode]
  public var location: SourceLocation
  /// Where the check's name was written, for "unknown check" diagnostics.
  public var nameLocation: SourceLocation
}
