import Foundation

/// One graded attempt as stored: what ``ProgressStore/attempts(lesson:)`` lists.
public typealias RecordedAttempt = (id: Int64, step: String, at: Date, passed: Bool, outcomes: [CheckOutcome])
