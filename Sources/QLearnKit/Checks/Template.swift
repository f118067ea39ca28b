import Foundation

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
