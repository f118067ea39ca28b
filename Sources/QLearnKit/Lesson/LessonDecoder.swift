/// Turns front-matter YAML into a ``Lesson``, reporting every schema problem (wrong type, unknown key, missing key,
/// value out of range) with its location. Cross-references between parts (buses, disks, checks) are lint's job.
public struct LessonDecoder {
  public let sink: DiagnosticSink

  public init(sink: DiagnosticSink) { self.sink = sink }

  static let topKeys = [
    "id", "title", "summary", "topic", "prerequisites", "minutes", "requires", "guest_requires", "machine", "steps",
  ]

  public func decode(_ root: YAMLNode, frontMatter: FrontMatter, file: String) -> Lesson? {
    let reader = NodeReader(root, path: "", sink: sink)
    guard let map = reader.mapping(known: Self.topKeys) else { return nil }
    defer { map.finish() }
    let before = sink.diagnostics.count
    let id = map.required("id", "the lesson's id, which is also its file name")?.identifier()
    let title = map.required("title", "a short title")?.string(maxLength: LessonLimits.title)
    let summary = map.required("summary", "one sentence saying what the learner will do")?
      .string(maxLength: LessonLimits.summary)
    let topic = map.required("topic", "the subject area, e.g. storage, pci, numa")?.identifier()
    let minutes = map.required("minutes", "estimated time in minutes")?.integer(in: 1...600)
    let prerequisites =
      map.optional("prerequisites")?.list(max: LessonLimits.prerequisites, of: "prerequisites") { $0.identifier() } ?? []
    let requires =
      map.optional("requires")?.list { item in
        item.enumeration(HostRequirement.self, what: "a host requirement")
      } ?? []
    let guestRequires = map.optional("guest_requires").flatMap { decodeGuestRequirements($0) } ?? []
    let machine = map.required("machine", "the virtual machine the lesson boots").flatMap {
      MachineDecoder(sink: sink).decode($0)
    }
    let steps = map.required("steps", "the steps the learner takes").flatMap { decodeSteps($0) }
    var locations: [String: SourceLocation] = [:]
    for key in map.keys where Self.topKeys.contains(key) {
      if let node = map.optional(key) { locations[key] = node.location }
    }
    guard sink.diagnostics.count == before, let id, let title, let summary, let topic, let minutes,
      let machine, let steps
    else { return nil }
    var lesson = Lesson(
      id: id, title: title, summary: summary, topic: topic, prerequisites: prerequisites,
      minutes: minutes, requires: requires, machine: machine, steps: steps, body: frontMatter.body,
      bodyFirstLine: frontMatter.bodyFirstLine, file: file, locations: locations)
    lesson.guestRequires = guestRequires
    return lesson
  }

  static let stepKeys = ["id", "title", "goal", "prose", "hints", "checks", "solution"]

  func decodeSteps(_ reader: NodeReader) -> [Step]? {
    reader.list(max: LessonLimits.steps, of: "steps") { item -> Step? in
      guard let map = item.mapping(known: Self.stepKeys) else { return nil }
      defer { map.finish() }
      let id = map.required("id", "the step's id")?.identifier()
      let title = map.required("title", "the step's title")?.string(maxLength: LessonLimits.title)
      let goal = map.required("goal", "what the learner must achieve, in one sentence")?
        .string(maxLength: LessonLimits.goal)
      let heading = map.optional("prose")?.string(maxLength: LessonLimits.title)
      let hints =
        map.optional("hints")?.list(max: LessonLimits.hintsPerStep, of: "hints") {
          $0.string(maxLength: LessonLimits.hint)
        } ?? []
      let checks =
        map.required("checks", "the checks that grade this step").flatMap { decodeChecks($0) } ?? []
      let solution =
        map.required("solution", "the reference solution: guest and monitor commands, in order")
        .flatMap { decodeSolution($0) } ?? []
      guard let id, let title, let goal else { return nil }
      return Step(
        id: id, title: title, goal: goal, heading: heading ?? title, hints: hints, checks: checks,
        solution: solution, location: item.location)
    }
  }

  /// `guest_requires:` entries are checks with one more key, `because:`, which is the reason shown when it fails.
  func decodeGuestRequirements(_ reader: NodeReader) -> [GuestRequirement]? {
    reader.list(max: LessonLimits.guestRequirements, of: "guest requirements") { item -> GuestRequirement? in
      guard case .mapping(let pairs) = item.node.kind else {
        item.mismatch("a guest requirement: a mapping with 'check: <name>', its arguments and 'because: <reason>'")
        return nil
      }
      guard let reasonPair = pairs.first(where: { $0.key.scalar == "because" }) else {
        item.fail(
          "this guest requirement does not say why the lesson needs it",
          suggestion: "Add 'because: <what the guest lacks, and what to use instead>': learners read it when it fails.")
        return nil
      }
      guard let because = NodeReader(reasonPair.value, path: "\(item.path).because", sink: sink).string(),
        let check = decodeCheck(item, excluding: "because")
      else { return nil }
      return GuestRequirement(check: check, because: because)
    }
  }

  func decodeChecks(_ reader: NodeReader) -> [CheckUse]? {
    reader.list(max: LessonLimits.checksPerStep, of: "checks") { item in decodeCheck(item, excluding: nil) }
  }

  /// One `{check: <name>, <argument>: <value>...}` mapping; `excluding` names a key that is not an argument.
  func decodeCheck(_ item: NodeReader, excluding: String?) -> CheckUse? {
    guard case .mapping(let pairs) = item.node.kind else {
      item.mismatch("a check: a mapping with 'check: <name>' and the check's arguments")
      return nil
    }
    guard let namePair = pairs.first(where: { $0.key.scalar == "check" }) else {
      item.fail(
        "this check does not say which check it is",
        suggestion: "Start it with 'check: <name>', a name from the Checks/ folder.")
      return nil
    }
    guard
      let name = NodeReader(namePair.value, path: "\(item.path).check", sink: sink).identifier()
    else { return nil }
    var arguments: [String: YAMLNode] = [:]
    for pair in pairs where pair.key.scalar != "check" && pair.key.scalar != excluding {
      if let key = pair.key.scalar { arguments[key] = pair.value }
    }
    return CheckUse(
      name: name, arguments: arguments, location: item.location,
      nameLocation: namePair.value.location)
  }

  func decodeSolution(_ reader: NodeReader) -> [SolutionAction]? {
    reader.list(max: LessonLimits.solutionActions, of: "solution actions") { item -> SolutionAction? in
      guard let map = item.mapping(known: ["guest", "monitor", "answer", "wait"]) else { return nil }
      defer { map.finish() }
      if map.keys.count != 1 {
        item.fail(
          "each solution action is exactly one of 'guest: <shell command>', 'monitor: <QEMU monitor command>', "
            + "'answer: <text>' or 'wait: <seconds>'")
        return nil
      }
      if let seconds = map.optional("wait")?.integer(in: 1...60) { return .wait(seconds) }
      if let command = map.optional("guest")?.string() { return .guest(command) }
      if let command = map.optional("monitor")?.string() { return .monitor(command) }
      if let text = map.optional("answer")?.string() { return .answer(text) }
      return nil
    }
  }
}
