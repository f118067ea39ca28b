/// A guest requirement the booted VM does not meet, with what its check found.
public struct UnmetGuestRequirement: Sendable {
  public var requirement: GuestRequirement
  public var report: CheckReport

  /// One sentence for `verify` and `start`: why the lesson cannot be done here, and the evidence.
  public var explanation: String {
    "\(requirement.because) (\(report.label): expected \(report.expected), actual \(report.actual))"
  }
}

extension GradingSession {
  /// Grades the lesson's `guest_requires` once, in the freshly booted guest. They are plain checks without a step
  /// baseline, so only checks that read current state (files, paths, commands, QMP) make sense there.
  public func unmetGuestRequirements() async throws -> [UnmetGuestRequirement] {
    guard let first = lesson.guestRequires.first else { return [] }
    let probe = Step(
      id: "guest_requires", title: "guest requirements", goal: "", heading: "", hints: [],
      checks: lesson.guestRequires.map(\.check), solution: [], location: first.check.location)
    let grade = try await grader.grade(
      probe, checks: loaded.guestChecks, lesson: lesson.id, session: live, baseline: nil)
    return zip(lesson.guestRequires, grade.checks)
      .filter { !$0.1.passed }
      .map { UnmetGuestRequirement(requirement: $0.0, report: $0.1) }
  }
}
