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
}
