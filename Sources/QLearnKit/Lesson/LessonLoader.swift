import Foundation

/// Reads lesson files: file -> front matter -> YAML -> ``Lesson``, collecting every diagnostic on the way.
public enum LessonLoader {
  /// A parsed lesson, or the diagnostics that stopped it.
  public static func load(_ url: URL, displayPath: String? = nil) -> Result<Lesson, LessonError> {
    let file = displayPath ?? SourceLocation.displayPath(url)
    let text: String
    do {
      let data = try Data(contentsOf: url)
      guard let decoded = String(data: data, encoding: .utf8) else {
        return .failure(LessonError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "", "the file is not UTF-8 text")]))
      }
      text = decoded
    } catch {
      return .failure(LessonError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "", "cannot read the file: \(error.localizedDescription)")]))
    }
    return parse(text, file: file)
  }

  public static func parse(_ text: String, file: String) -> Result<Lesson, LessonError> {
    let frontMatter: FrontMatter
    let root: YAMLNode?
    do {
      frontMatter = try FrontMatter.split(text, file: file)
      root = try YAML.parse(frontMatter.yaml, file: file, firstLine: frontMatter.yamlFirstLine)
    } catch let error as LessonError {
      return .failure(error)
    } catch let error as YAMLError {
      return .failure(LessonError([Diagnostic(error.location, "", error.message, suggestion: error.suggestion)]))
    } catch {
      return .failure(LessonError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "", "\(error)")]))
    }
    guard let root else {
      return .failure(LessonError([Diagnostic(SourceLocation(file: file, line: 2, column: 1), "", "the front matter is empty", suggestion: "Lessons/README.md lists the keys a lesson needs.")]))
    }
    let sink = DiagnosticSink()
    let lesson = LessonDecoder(sink: sink).decode(root, frontMatter: frontMatter, file: file)
    if let lesson, sink.isEmpty { return .success(lesson) }
    return .failure(LessonError(sink.diagnostics))
  }
}
