import Foundation
import Synchronization

/// One problem found in a lesson or check file: what is wrong, where (`file:line:column` and the key path), and what to do.
///
/// Lint collects every diagnostic of a file instead of stopping at the first, so an instructor fixes a lesson in one pass.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
  public var location: SourceLocation
  /// Where in the front matter, as a path of keys and list indices: `machine.devices[2].max_ioqpairs`.
  public var keyPath: String
  public var message: String
  public var suggestion: String?
  /// An error makes a lesson unusable (lint fails); a warning is advice about what a learner reads (lint passes).
  public var severity: Severity

  public enum Severity: String, Sendable, Equatable {
    case error, warning
  }

  /// A warning does not make lint fail: the lesson works, but something in it will not behave as its author may think.
  public var isWarning: Bool { severity == .warning }

  public init(
    _ location: SourceLocation, _ keyPath: String, _ message: String, suggestion: String? = nil,
    severity: Severity = .error
  ) {
    self.location = location
    self.keyPath = keyPath
    self.message = message
    self.suggestion = suggestion
    self.severity = severity
  }

  /// `file:line:col: error: at machine.devices[2]: message` then an indented `help:` line, as compilers print.
  public var description: String {
    let at = keyPath.isEmpty ? "" : "at \(keyPath): "
    var text = "\(location): \(severity.rawValue): \(at)\(message)"
    if let suggestion { text += "\n  help: \(suggestion)" }
    return text
  }
}
