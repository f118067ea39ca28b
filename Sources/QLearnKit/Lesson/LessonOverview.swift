/// The Markdown qlearn shows above a lesson's own prose: what it is, what it boots, and its steps.
/// Built from the lesson's fields, and rendered by the same sanitising renderer as the prose.
public enum LessonOverview {
  public static func markdown(_ lesson: Lesson) -> String {
    var lines: [String] = []
    lines.append("\(lesson.summary)")
    lines.append("")
    lines.append("- **Lesson:** `\(lesson.id)` (\(lesson.topic), about \(lesson.minutes) minutes)")
    if !lesson.prerequisites.isEmpty {
      lines.append("- **Take first:** " + lesson.prerequisites.map { "`\($0)`" }.joined(separator: ", "))
    }
    if !lesson.requires.isEmpty {
      lines.append("- **Needs on the host:** " + lesson.requires.map(\.explanation).joined(separator: "; "))
    }
    lines.append("- **Machine:** " + machineSummary(lesson.machine))
    lines.append("")
    lines.append("**Steps:**")
    lines.append("")
    for (index, step) in lesson.steps.enumerated() {
      lines.append("\(index + 1). **\(step.title)**: \(step.goal)")
    }
    lines.append("")
    return lines.joined(separator: "\n")
  }

  /// The prose without its first line when that is a level-1 heading repeating the title, which the overview shows.
  public static func droppingTitleHeading(_ lesson: Lesson) -> String {
    let trimmed = lesson.body.drop { $0 == "\n" }
    guard let end = trimmed.firstIndex(of: "\n"),
      trimmed[..<end].trimmingCharacters(in: .whitespaces) == "# \(lesson.title)"
    else { return lesson.body }
    return String(trimmed[end...])
  }

  /// `pc, 4 CPUs, 512M; nvme (nvme0), megasas (scsi0) with 2 scsi-hd`.
  public static func machineSummary(_ machine: Machine) -> String {
    var parts = ["\(machine.type.rawValue)"]
    let cpus = machine.cpus
    parts.append(cpus.maxcpus.map { "\(cpus.count) of \($0) CPUs" } ?? (cpus.count == 1 ? "1 CPU" : "\(cpus.count) CPUs"))
    var memory = machine.memory.size.description
    if let maxmem = machine.memory.maxmem { memory += " (up to \(maxmem))" }
    parts.append(memory)
    if !machine.numa.isEmpty { parts.append("\(machine.numa.count) NUMA nodes") }
    var counts: [(String, Int)] = []
    for device in machine.devices {
      if let index = counts.firstIndex(where: { $0.0 == device.kind.name }) {
        counts[index].1 += 1
      } else {
        counts.append((device.kind.name, 1))
      }
    }
    let devices = counts.map { $0.1 > 1 ? "\($0.1) × \($0.0)" : $0.0 }.joined(separator: ", ")
    return parts.joined(separator: ", ") + (devices.isEmpty ? "" : "; " + devices)
  }
}
