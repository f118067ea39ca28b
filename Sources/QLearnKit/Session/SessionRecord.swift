import Foundation

/// What qlearn remembers about one running VM, in `session.json` inside the session folder.
public struct SessionRecord: Codable, Sendable, Equatable {
  public var lesson: String
  public var supervisorPID: Int32
  public var qemuPID: Int32?
  public var accelerator: String
  public var kernel: String
  public var startedAt: Date
  /// The step the learner is on, by id (grading moves it); nil once every step is done.
  public var step: String?
  /// When ``step`` became current; nil for the first step, which began at boot (``startedAt``).
  public var stepStartedAt: Date?

  public init(lesson: String, supervisorPID: Int32, qemuPID: Int32? = nil, accelerator: String, kernel: String, startedAt: Date = Date(), step: String? = nil, stepStartedAt: Date? = nil) {
    self.lesson = lesson
    self.supervisorPID = supervisorPID
    self.qemuPID = qemuPID
    self.accelerator = accelerator
    self.kernel = kernel
    self.startedAt = startedAt
    self.step = step
    self.stepStartedAt = stepStartedAt
  }
}

extension JSONEncoder {
  static var session: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return encoder
  }
}

extension JSONDecoder {
  static var session: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }
}
