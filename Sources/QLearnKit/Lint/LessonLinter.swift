import Foundation

/// `qlearn lint`: every rule of the lesson format, over one lesson or a whole course.
///
/// Decoding catches schema errors; the linter adds what needs the whole picture: machine consistency
/// (``MachineRules``), steps and their checks against the check library, headings in the prose, prerequisites and ids
/// across lessons, and devices and properties against the installed QEMU.
public struct LessonLinter: Sendable {
  public var checks: CheckLibrary
  /// nil when QEMU is not installed: device names are then checked against qlearn's catalog only.
  public var qemu: QEMUCapabilities?

  public init(checks: CheckLibrary, qemu: QEMUCapabilities?) {
    self.checks = checks
    self.qemu = qemu
  }

  /// Diagnostics for one decoded lesson. `known` holds the ids of every lesson in the course, for prerequisites.
  public func lint(_ lesson: Lesson, known: Set<String>) -> [Diagnostic] {
    let sink = DiagnosticSink()
    let top = SourceLocation(file: lesson.file, line: 1, column: 1)
    let fileID = URL(fileURLWithPath: lesson.file).deletingPathExtension().lastPathComponent
    if fileID != lesson.id {
      sink.error(
        lesson.locations["id"] ?? top, "id",
        "the lesson's id is '\(lesson.id)' but its file is '\(fileID).md'",
        suggestion: "Rename the file to '\(lesson.id).md' or change the id: learners type the id to start it.")
    }
    for prerequisite in lesson.prerequisites where !known.contains(prerequisite) || prerequisite == lesson.id {
      sink.error(
        lesson.locations["prerequisites"] ?? top, "prerequisites",
        prerequisite == lesson.id
          ? "a lesson cannot be its own prerequisite"
          : "there is no lesson '\(prerequisite)'" + Spelling.didYouMean(prerequisite, in: known))
    }
    MachineRules(machine: lesson.machine, lesson: lesson, sink: sink).check()
    checkAgainstQEMU(lesson, sink: sink)
    checkSteps(lesson, sink: sink)
    return sink.diagnostics
  }

  /// Advice about what a learner reads, as warnings (``LeakRules``): answers given away before their question, and
  /// thresholds a check enforces that the step does not state.
  public func warnings(_ lesson: Lesson) -> [Diagnostic] {
    let sink = DiagnosticSink()
    LeakRules(lesson: lesson, checks: checks, sink: sink).check()
    return sink.diagnostics
  }

  private func checkAgainstQEMU(_ lesson: Lesson, sink: DiagnosticSink) {
    guard let qemu else { return }
    for (index, device) in lesson.machine.devices.enumerated() {
      let path = "machine.devices[\(index)]"
      guard qemu.devices.contains(device.kind.name) else {
        sink.error(
          device.location, "\(path).kind",
          "the installed QEMU has no device '\(device.kind.name)'",
          suggestion: "Install a QEMU that has it (qemu-system-x86 on Debian), or choose another device.")
        continue
      }
      let offered = qemu.properties[device.kind.name] ?? []
      for name in device.properties.keys.sorted()
      where device.kind.properties[name]?.isQEMUProperty == true && !offered.contains(name) {
        sink.error(
          device.propertyLocations[name] ?? device.location, "\(path).\(name)",
          "the installed QEMU's \(device.kind.name) has no property '\(name)'"
            + Spelling.didYouMean(name, in: offered),
          suggestion: "`qemu-system-x86_64 -device \(device.kind.name),help` lists what it has.")
      }
    }
  }

  private func checkSteps(_ lesson: Lesson, sink: DiagnosticSink) {
    if lesson.steps.isEmpty {
      sink.error(
        lesson.locations["steps"] ?? SourceLocation(file: lesson.file, line: 1, column: 1), "steps",
        "the lesson has no steps", suggestion: "A lesson needs at least one step the learner does and qlearn grades.")
    }
    let headings = MarkdownSections.headings(in: lesson.body)
    var ids: [String: SourceLocation] = [:]
    for (index, step) in lesson.steps.enumerated() {
      let path = "steps[\(index)]"
      if let first = ids[step.id] {
        sink.error(step.location, "\(path).id", "the step id '\(step.id)' is already used on line \(first.line)")
      }
      ids[step.id] = step.location
      if step.checks.isEmpty {
        sink.error(step.location, "\(path).checks", "the step '\(step.id)' has no checks, so nothing grades it")
      }
      if step.solution.isEmpty {
        sink.error(
          step.location, "\(path).solution", "the step '\(step.id)' has no reference solution",
          suggestion: "List the guest and monitor commands that complete it: `qlearn verify` runs them to prove the step solvable.")
      }
      if !headings.contains(where: { $0.text.caseInsensitiveCompare(step.heading) == .orderedSame }) {
        sink.error(
          step.location, "\(path).prose",
          "the prose has no heading '\(TerminalSafe.clip(step.heading))' for this step"
            + Spelling.didYouMean(step.heading, in: headings.map(\.text)),
          suggestion: "Add a Markdown heading with that text below the front matter, or set 'prose:' to an existing heading.")
      }
      for (position, use) in step.checks.enumerated() {
        checks.validate(use, sink: sink, path: "\(path).checks[\(position)]")
      }
    }
    for (position, requirement) in lesson.guestRequires.enumerated() {
      checks.validate(requirement.check, sink: sink, path: "guest_requires[\(position)]")
    }
  }
}
