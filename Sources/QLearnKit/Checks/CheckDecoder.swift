/// Decodes one `Checks/<name>.yaml` file into a ``CheckDefinition``, and checks that its `{{references}}` name declared
/// parameters.
struct CheckDecoder {
  let sink: DiagnosticSink

  func decode(_ root: YAMLNode, file: String) -> CheckDefinition? {
    let reader = NodeReader(root, path: "", sink: sink)
    guard let map = reader.mapping(known: ["name", "summary", "parameters", "inspect", "expect"]) else {
      return nil
    }
    defer { map.finish() }
    let name = map.required("name", "the check's name, as lessons write it")?.identifier()
    let summary = map.required("summary", "what the check verifies, in one sentence")?.string()
    let parameters = map.optional("parameters").flatMap(decodeParameters) ?? []
    let inspect = map.required("inspect", "what the check looks at").flatMap(decodeInspection)
    let expect = map.required("expect", "what it must find").flatMap(decodeExpectations)
    guard let name, let summary, let inspect, let expect else { return nil }
    let declared = Set(parameters.map(\.name))
    for (template, location) in templates(inspect, expect, map) {
      for reference in template.references where !declared.contains(reference) {
        sink.error(
          location, "", "'{{\(reference)}}' does not name a parameter of this check"
            + Spelling.didYouMean(reference, in: declared),
          suggestion: "Declare it under 'parameters:' or fix the name.")
      }
    }
    return CheckDefinition(
      name: name, summary: summary, parameters: parameters, inspect: inspect, expect: expect,
      file: file, location: root.location)
  }

  /// Every template with the location of the section it came from, for reference checking.
  private func templates(_ inspect: Inspection, _ expect: [Expectation], _ map: MappingReader)
    -> [(Template, SourceLocation)]
  {
    let inspectAt = map.optional("inspect")?.location ?? SourceLocation(file: "", line: 1, column: 1)
    let expectAt = map.optional("expect")?.location ?? inspectAt
    var result: [(Template, SourceLocation)] = []
    switch inspect {
    case .guestFile(let t), .guestGlob(let t), .guestCommand(let t), .interrupts(let t), .hostLog(let t):
      result.append((t, inspectAt))
    case .qmp(let command, let arguments, let select):
      result += [(Template(command), inspectAt)] + arguments.values.map { ($0, inspectAt) }
      if let select { result.append((Template(select), inspectAt)) }
    case .dmesg, .answer: break
    }
    for expectation in expect {
      switch expectation {
      case .matches(let t), .notMatches(let t), .equals(let t), .status(let t):
        result.append((t, expectAt))
      case .count(let c), .number(let c):
        result += [(c.op, expectAt), (c.value, expectAt)]
      case .delta(let cpu, let c):
        result += [(c.op, expectAt), (c.value, expectAt)]
        if let cpu { result.append((cpu, expectAt)) }
      }
    }
    return result
  }

  func decodeParameters(_ reader: NodeReader) -> [CheckParameter]? {
    guard case .mapping(let pairs) = reader.node.kind else {
      reader.mismatch("a mapping of parameter names to {type, doc}")
      return nil
    }
    return pairs.compactMap { pair in
      let path = "parameters.\(pair.key.scalar ?? "?")"
      guard let name = NodeReader(pair.key, path: path, sink: sink).identifier(),
        let map = NodeReader(pair.value, path: path, sink: sink).mapping(known: ["type", "doc", "default"])
      else { return nil }
      defer { map.finish() }
      let type = map.required("type", "the parameter's type")?.enumeration(
        ParameterType.self, what: "a parameter type")
      let doc = map.required("doc", "what the parameter means, for lesson authors")?.string()
      let defaultValue = map.optional("default")?.string()
      guard let type, let doc else { return nil }
      return CheckParameter(name: name, type: type, doc: doc, defaultValue: defaultValue)
    }
  }

  func decodeInspection(_ reader: NodeReader) -> Inspection? {
    guard let map = reader.mapping(known: Inspection.kinds) else { return nil }
    defer { map.finish() }
    guard map.keys.count == 1, let kind = map.keys.first, Inspection.kinds.contains(kind) else {
      if map.keys.count != 1 {
        reader.fail("'inspect' names exactly one of: \(Inspection.kinds.joined(separator: ", "))")
      }
      return nil
    }
    func template() -> Template? { map.optional(kind)?.string().map(Template.init) }
    switch kind {
    case "guest-file": return template().map { .guestFile(path: $0) }
    case "guest-glob": return template().map { .guestGlob(pattern: $0) }
    case "guest-command": return template().map { .guestCommand($0) }
    case "interrupts": return template().map { .interrupts(name: $0) }
    case "host-log": return template().map { .hostLog(name: $0) }
    case "dmesg": return .dmesg
    case "answer": return .answer
    default:
      guard let qmp = map.optional("qmp")?.mapping(known: ["command", "arguments", "select"]) else {
        reader.fail("'qmp' needs a mapping with 'command' (and optional 'arguments', 'select')")
        return nil
      }
      defer { qmp.finish() }
      guard let command = qmp.required("command", "a QMP command such as query-status")?.word(
        "a QMP command name or a {{parameter}}",
        allowed: { $0.isLetter || $0.isNumber || "-_{} ".contains($0) })
      else { return nil }
      var arguments: [String: Template] = [:]
      if let args = qmp.optional("arguments"), case .mapping(let pairs) = args.node.kind {
        for pair in pairs {
          if let key = pair.key.scalar, let value = pair.value.scalar { arguments[key] = Template(value) }
        }
      }
      return .qmp(command: command, arguments: arguments, select: qmp.optional("select")?.string())
    }
  }

  func decodeExpectations(_ reader: NodeReader) -> [Expectation]? {
    guard let map = reader.mapping(known: Expectation.kinds) else { return nil }
    defer { map.finish() }
    var result: [Expectation] = []
    func text(_ key: String) -> Template? { map.optional(key)?.string().map(Template.init) }
    if let t = text("matches") { result.append(.matches(t)) }
    if let t = text("not-matches") { result.append(.notMatches(t)) }
    if let t = text("equals") { result.append(.equals(t)) }
    if let t = text("status") { result.append(.status(t)) }
    if let reader = map.optional("count"), let comparison = comparison(reader) {
      result.append(.count(comparison))
    }
    if let reader = map.optional("number"), let comparison = comparison(reader) {
      result.append(.number(comparison))
    }
    if let delta = map.optional("delta")?.mapping(known: ["cpu", "compare"]) {
      defer { delta.finish() }
      if let compare = delta.required("compare", "e.g. '>= 10'"), let comparison = comparison(compare) {
        result.append(.delta(cpu: delta.optional("cpu")?.string().map(Template.init), comparison))
      }
    }
    if result.isEmpty && map.keys.allSatisfy(Expectation.kinds.contains) {
      reader.fail("'expect' needs at least one of: \(Expectation.kinds.joined(separator: ", "))")
    }
    return result
  }

  /// `">= 4"`, `"== {{count}}"`, `"{{op}} {{value}}"`: an operator, a space, a value.
  func comparison(_ reader: NodeReader) -> ComparisonTemplate? {
    guard let text = reader.string() else { return nil }
    let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
    let op = parts.first.map(Template.init)
    guard parts.count == 2, let op, Comparison(rawValue: op.text) != nil || op.references.count == 1 else {
      reader.fail(
        "'\(TerminalSafe.clip(text))' is not a comparison: write an operator (\(Comparison.allCases.map(\.rawValue).joined(separator: " "))), a space and a value, e.g. '>= 4'")
      return nil
    }
    return ComparisonTemplate(op: op, value: Template(parts[1]))
  }
}
