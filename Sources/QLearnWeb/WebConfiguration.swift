import Foundation
import QLearnKit

/// What `qlearn serve` serves and how it boots: the same lessons folders, progress store and session folders as the
/// command line, so both see one state.
public struct WebConfiguration: Sendable {
  /// The address to listen on; 127.0.0.1 unless the learner asked for another with `--listen`.
  public var host = "127.0.0.1"
  /// 0: any free port.
  public var port = 0
  public var token = AccessToken.random()
  public var lessonFolders: [URL]
  public var paths: Paths
  /// How the Start button boots (accelerator, kernel...), as `qlearn start`'s options.
  public var launchOptions = LaunchOptions()
  /// Where Debian's libjs-xterm put xterm.js.
  public var xtermDirectory = URL(fileURLWithPath: "/usr/share/javascript/xterm")

  public init(lessonFolders: [URL], paths: Paths) {
    self.lessonFolders = lessonFolders
    self.paths = paths
  }
}

/// Errors the web layer reports (to the terminal that runs `qlearn serve`, or as a JSON error to the page).
public enum WebError: Error, LocalizedError, Equatable {
  case noLesson(String)
  case noCheckLibrary
  case busy(lesson: String)
  case badRequest(String)

  public var errorDescription: String? {
    switch self {
    case .noLesson(let id): "No lesson '\(TerminalSafe.clip(id))' in this course."
    case .noCheckLibrary: "No Checks folder next to the lessons, so nothing can be graded."
    case .busy(let lesson): "The VM of '\(lesson)' is already booting."
    case .badRequest(let why): why
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .noLesson: "The course page lists the lessons."
    case .noCheckLibrary: "Run `qlearn serve` from qlearn's checkout, or pass --lessons with a folder next to Checks/."
    case .busy: "Wait for the boot to finish."
    case .badRequest: nil
    }
  }
}
