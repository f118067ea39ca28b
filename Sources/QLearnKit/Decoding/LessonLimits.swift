/// Bounds on what a lesson's front matter may declare, so that a stranger's lesson cannot make qlearn (or a learner's
/// screen) do unbounded work. Each is far above what the course uses (its longest summary is 276 characters, its
/// longest step has 4 checks and 3 hints) and each is named in the lint message and in `Lessons/README.md`.
public enum LessonLimits {
  /// Any text value: a title, a command, a check argument.
  public static let text = 4096
  public static let title = 100
  public static let summary = 600
  public static let goal = 600
  public static let hint = 1000
  public static let steps = 40
  public static let checksPerStep = 20
  public static let hintsPerStep = 10
  public static let solutionActions = 40
  public static let prerequisites = 20
  public static let guestRequirements = 10

  /// Boot memory, and each NUMA node's.
  public static let memory = ByteCount(bytes: 8 << 30)
  /// The ceiling for hotplugged memory (`maxmem`).
  public static let maxmem = ByteCount(bytes: 32 << 30)
  public static let diskSize = ByteCount(bytes: 8 << 30)
  /// All disks together (their images are sparse, but a guest may fill them).
  public static let disksTotal = ByteCount(bytes: 16 << 30)
  public static let backendSize = ByteCount(bytes: 4 << 30)
  public static let devices = 64
  public static let disks = 16
  public static let backends = 16
  public static let netdevs = 8
  public static let numaNodes = 8
  /// Devices behind devices behind...: a bridge chain deeper than this is refused.
  public static let busNesting = 8
}
