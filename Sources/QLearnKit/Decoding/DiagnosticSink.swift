/// Accumulates diagnostics while decoding or linting one file.
public final class DiagnosticSink: @unchecked Sendable {
  public private(set) var diagnostics: [Diagnostic] = []
  public init() {}
  public func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
  public func error(
    _ location: SourceLocation, _ keyPath: String, _ message: String, suggestion: String? = nil
  ) {
    report(Diagnostic(location, keyPath, message, suggestion: suggestion))
  }
  public func warning(
    _ location: SourceLocation, _ keyPath: String, _ message: String, suggestion: String? = nil
  ) {
    report(Diagnostic(location, keyPath, message, suggestion: suggestion, severity: .warning))
  }
  public var isEmpty: Bool { diagnostics.isEmpty }
}
