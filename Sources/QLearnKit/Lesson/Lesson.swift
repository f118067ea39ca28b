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
