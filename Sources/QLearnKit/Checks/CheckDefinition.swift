import Foundation

/// A reusable check from the `Checks/` library: what it inspects in the live session and what it expects to find.
/// Lessons use it by name and fill in its parameters; its texts may refer to them as `{{name}}`.
public struct CheckDefinition: Sendable {
  public var name: String
  public var summary: String
  public var parameters: [CheckParameter]
  public var inspect: Inspection
  public var expect: [Expectation]
  public var file: String
  public var location: SourceLocation

  public func parameter(named name: String) -> CheckParameter? { parameters.first { $0.name == name } }
}

public struct CheckParameter: Sendable {
  public var name: String
  public var type: ParameterType
  public var doc: String
  /// Used when the lesson leaves the parameter out; nil makes it required.
  public var defaultValue: String?
}

public enum ParameterType: String, Sendable, CaseIterable {
  case string
  case integer
  /// A regular expression (checked to compile).
  case regex
  /// An absolute path in the guest.
  case guestPath = "guest-path"
  /// An absolute path pattern in the guest, with `*` and `?`.
  case glob
  case boolean
  /// A comparison operator: `==`, `!=`, `<`, `<=`, `>`, `>=`.
  case comparison
  /// A list of one-line strings (`[0000:01, "1"]`) or one string; carried as text, one item per line.
  case strings
}

/// What a check looks at. Guest probes go through the guest agent, QMP probes through QEMU's monitor socket, host logs are
/// files qlearn itself keeps for the session.
public enum Inspection: Sendable {
  /// A file's content in the guest.
  case guestFile(path: Template)
  /// The paths in the guest matching a pattern (one per line; `count` counts them).
  case guestGlob(pattern: Template)
  /// A command's standard output and exit status in the guest (`/bin/sh -c`).
  case guestCommand(Template)
  /// Kernel log lines printed since the step began.
  case dmesg
  /// `/proc/interrupts` rows whose name matches a regex, with per-CPU counts and their change since the step began.
  case interrupts(name: Template)
  /// A QMP command's reply, optionally narrowed to one member by a dotted path (`status`, `0.props.core-id`).
  case qmp(command: String, arguments: [String: Template], select: String?)
  /// A log qlearn keeps for the session: `console` (the guest console) or one a device writes (`isa-debugcon`'s `log`).
  case hostLog(name: Template)
  /// What the learner wrote with `qlearn answer`.
  case answer

  public static let kinds = [
    "guest-file", "guest-glob", "guest-command", "dmesg", "interrupts", "qmp", "host-log", "answer",
  ]
}

/// One expectation on what was inspected. A check passes when all its expectations hold.
public enum Expectation: Sendable {
  /// Some line matches the regex.
  case matches(Template)
  /// No line matches the regex.
  case notMatches(Template)
  /// The text, trimmed, equals this.
  case equals(Template)
  /// The number of lines (or glob matches, or interrupt rows) compared with a value.
  case count(ComparisonTemplate)
  /// The text read as a number, compared with a value.
  case number(ComparisonTemplate)
  /// The guest command's exit status.
  case status(Template)
  /// Interrupts: the increase since the step began, on one CPU or summed over all, compared with a value.
  case delta(cpu: Template?, ComparisonTemplate)

  public static let kinds = ["matches", "not-matches", "equals", "count", "number", "status", "delta"]
}

/// An operator and a value, either of which may be a `{{parameter}}` (the operator then from a `comparison` parameter).
public struct ComparisonTemplate: Sendable, Hashable {
  public var op: Template
  public var value: Template

  /// The operator once parameters are filled in, or nil if it is not one.
  public func comparison(with values: [String: String]) -> Comparison? {
    Comparison(rawValue: op.filled(with: values))
  }
}

public enum Comparison: String, Sendable, CaseIterable {
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

  public func holds(_ a: Double, _ b: Double) -> Bool {
    switch self {
    case .equal: a == b
    case .notEqual: a != b
    case .less: a < b
    case .lessOrEqual: a <= b
    case .greater: a > b
    case .greaterOrEqual: a >= b
    }
  }
}

/// Text from a check definition in which `{{parameter}}` is replaced by the lesson's argument.
public struct Template: Sendable, Hashable, CustomStringConvertible {
  public var text: String

  public init(_ text: String) { self.text = text }

  /// Parameter names referred to, in order of appearance.
  public var references: [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
      names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
      rest = rest[close.upperBound...]
    }
    return names
  }

  public func filled(with values: [String: String]) -> String {
    var result = text
    for name in references {
      result = result.replacingOccurrences(of: "{{\(name)}}", with: values[name] ?? "")
      result = result.replacingOccurrences(of: "{{ \(name) }}", with: values[name] ?? "")
    }
    return result
  }

  public var description: String { text }
}
