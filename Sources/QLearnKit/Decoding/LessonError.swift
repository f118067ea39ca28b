import Foundation

/// A lesson or check file that cannot be used, with every diagnostic found in it.
public struct LessonError: Error, LocalizedError, Sendable, Equatable {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

  public var errorDescription: String? {
    diagnostics.map(\.description).joined(separator: "\n")
  }
  public var recoverySuggestion: String? {
    "Fix the lines above, then run `qlearn lint` again. Lessons/README.md documents every key."
  }
}
