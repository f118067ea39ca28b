import Foundation

/// The checks in a `Checks/` folder, one YAML file per check, loaded and validated once.
public struct CheckLibrary: Sendable {
  public private(set) var checks: [String: CheckDefinition] = [:]
  /// Problems found in the check files themselves.
  public private(set) var diagnostics: [Diagnostic] = []

  public init(checks: [CheckDefinition]) {
    for check in checks { self.checks[check.name] = check }
  }

  /// Loads every `*.yaml` file in `directory`. A broken check file is reported in ``diagnostics`` and left out.
  public init(directory: URL) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".yaml") }.sorted()
    for name in names {
      let url = directory.appendingPathComponent(name)
      let (check, problems) = Self.parse(
        try String(contentsOf: url, encoding: .utf8), file: SourceLocation.displayPath(url), fileName: name)
      if let check { checks[check.name] = check }
      diagnostics += problems
    }
  }

  /// One check file's text: the check, or nil with the problems that kept it out. `fileName` must be `<name>.yaml`.
  public static func parse(_ text: String, file: String, fileName: String) -> (CheckDefinition?, [Diagnostic]) {
    let sink = DiagnosticSink()
    do {
      if let node = try YAML.parse(text, file: file),
        let check = CheckDecoder(sink: sink).decode(node, file: file)
      {
        if check.name + ".yaml" != fileName {
          sink.error(
            check.location, "name",
            "the check is named '\(check.name)' but its file is '\(fileName)'",
            suggestion: "Name the file '\(check.name).yaml' so it can be found by name.")
        } else if sink.isEmpty {
          return (check, [])
        }
      } else if sink.isEmpty {
        sink.error(SourceLocation(file: file, line: 1, column: 1), "", "the check file is empty")
      }
    } catch {
      sink.error(error.location, "", error.message, suggestion: error.suggestion)
    }
    return (nil, sink.diagnostics)
  }

  /// Validates a lesson's use of a check once (``validate(_:sink:path:)``): the check ready to grade, or its first problem.
  public func load(_ use: CheckUse, path: String) -> Result<LoadedCheck, InvalidCheckUse> {
    let sink = DiagnosticSink()
    guard let definition = checks[use.name], let values = validate(use, sink: sink, path: path) else {
      let detail = sink.diagnostics.first.map { $0.message } ?? "there is no check named '\(use.name)'"
      return .failure(InvalidCheckUse(name: use.name, detail: detail))
    }
    return .success(LoadedCheck(definition: definition, values: values, written: Set(use.arguments.keys)))
  }

  /// Checks a lesson's use of a check: the check exists, every argument is a declared parameter of the right type, and every
  /// parameter without a default is given. Returns the arguments as text, with defaults filled in, or nil on any problem.
  @discardableResult
  public func validate(_ use: CheckUse, sink: DiagnosticSink, path: String) -> [String: String]? {
    guard let check = checks[use.name] else {
      sink.error(
        use.nameLocation, "\(path).check",
        "there is no check named '\(use.name)'" + Spelling.didYouMean(use.name, in: checks.keys),
        suggestion: "Checks are the files in the Checks/ folder; add one there or use an existing name.")
      return nil
    }
    let before = sink.diagnostics.count
    var values: [String: String] = [:]
    for (name, node) in use.arguments.sorted(by: { $0.key < $1.key }) {
      let argumentPath = "\(path).\(name)"
      guard let parameter = check.parameter(named: name) else {
        sink.error(
          node.location, argumentPath,
          "the check '\(check.name)' has no parameter '\(TerminalSafe.clip(name))'"
            + Spelling.didYouMean(name, in: check.parameters.map(\.name)),
          suggestion: "Its parameters: \(check.parameters.map(\.name).joined(separator: ", ")).")
        continue
      }
      if let value = parameter.type.read(NodeReader(node, path: argumentPath, sink: sink)) {
        values[name] = value
      }
    }
    for parameter in check.parameters where values[parameter.name] == nil {
      if let value = parameter.defaultValue {
        values[parameter.name] = value
      } else if use.arguments[parameter.name] == nil {
        sink.error(
          use.location, path, "the check '\(check.name)' needs '\(parameter.name)' (\(parameter.doc))",
          suggestion: "Add '\(parameter.name): ...' to this check.")
      }
    }
    return sink.diagnostics.count == before ? values : nil
  }
}

extension ParameterType {
  /// Reads an argument of this type, reporting what is wrong with it.
  func read(_ reader: NodeReader) -> String? {
    switch self {
    case .string:
      return reader.string()
    case .integer:
      return reader.integer().map(String.init)
    case .boolean:
      return reader.boolean().map { $0 ? "true" : "false" }
    case .regex:
      guard let text = reader.string() else { return nil }
      do {
        _ = try NSRegularExpression(pattern: text)
        return text
      } catch {
        reader.fail("'\(TerminalSafe.clip(text))' is not a valid regular expression")
        return nil
      }
    case .guestPath, .glob:
      guard let text = reader.string() else { return nil }
      guard text.hasPrefix("/"), !text.contains("\0"), text.count <= 4096 else {
        reader.fail("'\(TerminalSafe.clip(text))' is not an absolute path in the guest (it must start with /)")
        return nil
      }
      return text
    case .comparison:
      return reader.enumeration(Comparison.self, what: "a comparison")?.rawValue
    case .strings:
      let items: [String]?
      if case .sequence = reader.node.kind { items = reader.list { $0.string() } } else { items = reader.string().map { [$0] } }
      guard let items else { return nil }
      if let bad = items.first(where: { $0.contains("\n") || $0.contains("\r") || $0.isEmpty }) {
        reader.fail("'\(TerminalSafe.clip(bad))' is not a one-line, non-empty text")
        return nil
      }
      return items.joined(separator: "\n")
    }
  }
}
