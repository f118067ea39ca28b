import Foundation
import QLearnKit

/// Text taken from a lesson or a guest (step ids, reasons, console lines) made fit to print in a report.
enum ReportText {
  /// One line with control characters replaced and clipped: lesson text and guest output are untrusted.
  static func safe(_ text: String) -> String { TerminalSafe.clip(text, limit: 400) }

  /// A report that runs over several lines (a VM's last console lines after the reason it died), each line made safe,
  /// the first after `first` and the others after `rest`, so that the quoted lines stay under the step they explain.
  static func lines(_ text: String, first: String, rest: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
      (index == 0 ? first : rest) + safe(String(line))
    }
  }

  static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
}
