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
