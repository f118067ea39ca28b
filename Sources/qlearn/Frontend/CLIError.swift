import Foundation
import QLearnKit

/// Errors the command layer itself reports.
enum CLIError: Error, LocalizedError {
  case lessonInvalid(file: String, error: LessonError)

  var errorDescription: String? {
    switch self {
    case .lessonInvalid(let file, let error):
      "The lesson \(file) is not valid:\n\(error.errorDescription ?? "")\nRun `qlearn lint \(file)` after fixing it."
    }
  }
}
