import Foundation

/// Why `YAML.parse` refused a lesson's front matter, where, and what the author can do about it.
public struct YAMLError: Error, LocalizedError, Sendable, Equatable {
  public enum Reason: Sendable, Equatable {
    case syntax, tooLarge, tooManyAliases, tooManyNodes, tooDeep, duplicateKey, multipleDocuments, undefinedAlias,
      nonScalarKey, unsupportedTag, controlCharacter
  }

  public var reason: Reason
  public var location: SourceLocation
  /// Plain English, names what was found.
  public var message: String
  /// What to do next.
  public var suggestion: String?

  public init(reason: Reason, location: SourceLocation, message: String, suggestion: String? = nil) {
    self.reason = reason
    self.location = location
    self.message = message
    self.suggestion = suggestion
  }

  public var errorDescription: String? { "\(location): \(message)" }
  public var recoverySuggestion: String? { suggestion }
}

// The refusals of the tree builder, worded in one place so they stay consistent.
extension YAMLError {
  static func tooLarge(bytes: Int, limit: Int, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .tooLarge, location: location,
      message: "the front matter is \(bytes) bytes, more than the \(limit)-byte limit qlearn sets for untrusted lessons",
      suggestion: "Keep only settings in the front matter and move long text into the lesson body below it.")
  }

  static func tooManyAliases(limit: Int, alias: String, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .tooManyAliases, location: location,
      message: "the front matter uses more than \(limit) aliases (*\(alias)); qlearn refuses alias expansion past "
        + "that bound to stay safe on untrusted lessons",
      suggestion: "Write repeated values out in full, or use fewer aliases.")
  }

  static func tooManyNodes(limit: Int, alias: String?, at location: SourceLocation) -> YAMLError {
    if let alias {
      return YAMLError(
        reason: .tooManyNodes, location: location,
        message: "expanding the alias *\(alias) takes the front matter past \(limit) values; qlearn refuses alias "
          + "expansion past that bound to stay safe on untrusted lessons",
        suggestion: "Do not nest aliases inside anchored values; write the values out instead.")
    }
    return YAMLError(
      reason: .tooManyNodes, location: location,
      message: "the front matter holds more than \(limit) values, more than qlearn reads from an untrusted lesson",
      suggestion: "Keep only settings in the front matter; large data belongs in files next to the lesson.")
  }

  static func tooDeep(limit: Int, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .tooDeep, location: location,
      message: "the front matter nests lists and mappings more than \(limit) levels deep here",
      suggestion: "Flatten the structure; lesson settings need only a few levels.")
  }

  static func duplicateKey(_ key: String, first: SourceLocation, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .duplicateKey, location: location,
      message: "the key '\(key)' appears twice in the same mapping; it was first set on line \(first.line)",
      suggestion: "Keep one of the two '\(key):' entries and delete the other.")
  }

  static func multipleDocuments(at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .multipleDocuments, location: location,
      message: "a second YAML document starts here; front matter must be a single document",
      suggestion: "Remove the '---' or '...' line inside the front matter so all settings form one mapping.")
  }

  static func undefinedAlias(_ alias: String, recursive: Bool, at location: SourceLocation) -> YAMLError {
    if recursive {
      return YAMLError(
        reason: .undefinedAlias, location: location,
        message: "the alias *\(alias) is used inside the value anchored as &\(alias); a value cannot contain itself",
        suggestion: "Remove *\(alias) from inside its own anchored value.")
    }
    return YAMLError(
      reason: .undefinedAlias, location: location,
      message: "the alias *\(alias) refers to no anchor &\(alias) defined above it",
      suggestion: "Define the value with '&\(alias)' before this line, or fix the spelling of the alias.")
  }

  static func nonScalarKey(found kindName: String, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .nonScalarKey, location: location,
      message: "a mapping key here is \(kindName); qlearn reads only text keys",
      suggestion: "Write the key as plain text, like 'title: ...'; quote it if it starts with '[', '{' or '?'.")
  }

  static func unsupportedTag(_ tag: String, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .unsupportedTag, location: location,
      message: "the tag \(tag) is outside YAML's core schema, which is all a lesson may use",
      suggestion: "Remove the tag and write the value as plain text, a number, true/false, a list or a mapping"
        + " (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are read).")
  }

  static func controlCharacter(_ code: UInt32, at location: SourceLocation) -> YAMLError {
    YAMLError(
      reason: .controlCharacter, location: location,
      message: "this value holds the control character U+" + String(code, radix: 16, uppercase: true)
        + " (written as an escape such as \\e, \\x1b or \\0 in a double-quoted string); lesson text must be plain text",
      suggestion: "Remove the escape. To show an escape sequence to the learner, write it as text in single quotes,"
        + " e.g. '\\e[2J'.")
  }
}
