import Foundation
import QLearnKit

/// Prints verification reports as they arrive, in the chosen format (JUnit: one document when all are done).
final class VerifyPrinter: @unchecked Sendable {
  // @unchecked: used from one task at a time (the verify command's result loop).
  let format: QLearn.Verify.Format
  private var tap = TAPRenderer()

  init(format: QLearn.Verify.Format) { self.format = format }

  func print(_ report: LessonVerifier.LessonReport) {
    switch format {
    case .text: VerifyTextRenderer.lines(for: report).forEach { Swift.print($0) }
    case .tap: tap.lines(for: report).forEach { Swift.print($0) }
    case .junit: break  // one document, written by finish(_:)
    }
    fflush(nil)
  }

  func finish(_ reports: [LessonVerifier.LessonReport]) {
    switch format {
    case .text: Swift.print(VerifyTextRenderer.summary(reports))
    case .tap: Swift.print(tap.plan)
    case .junit: Swift.print(JUnitRenderer.document(reports))
    }
  }
}
