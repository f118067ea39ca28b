import Foundation

/// A lesson's use of a check, validated against the library once, when the lesson is loaded: the check's definition and
/// its arguments read by their parameters' types (defaults filled in), so grading never reads the lesson's YAML again.
public struct LoadedCheck: Sendable {
  public var definition: CheckDefinition
  /// Every parameter's value as its ``ParameterType`` read it (`integer` in decimal, `boolean` as `true`/`false`,
  /// `strings` one per line), defaults included.
  public var values: [String: String]
  /// The parameters the lesson wrote (not the defaults): they say which of several uses of a check this is.
  public var written: Set<String>

  public var name: String { definition.name }
}

/// A lesson's use of a check that did not validate (lint reports it): kept with its first problem, so that grading the
/// step says what is wrong instead of failing to load the whole lesson.
public struct InvalidCheckUse: Error, LocalizedError, Sendable, Equatable {
  public var name: String
  public var detail: String

  public var errorDescription: String? {
    "The check '\(TerminalSafe.clip(name))' cannot be used: \(TerminalSafe.clip(detail, limit: 300))"
  }
  public var recoverySuggestion: String? { "Run `qlearn lint` on the lesson and fix what it reports." }
}
