import Synchronization

/// Accumulates diagnostics while decoding or linting one file; safe to report into from several threads.
public final class DiagnosticSink: Sendable {
  private let stored = Mutex<[Diagnostic]>([])
  public var diagnostics: [Diagnostic] { stored.withLock { $0 } }
  public init() {}
  public func report(_ diagnostic: Diagnostic) { stored.withLock { $0.append(diagnostic) } }
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
  public var isEmpty: Bool { stored.withLock { $0.isEmpty } }
}
