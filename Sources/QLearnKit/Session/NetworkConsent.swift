import Foundation

/// A learner's consent, given once per lesson version, to a lesson whose guest reaches past QEMU's user-mode network
/// (`requires: [network]`). Lessons are shared as files and a check's command runs in the guest at every
/// `qlearn check`, so a stranger's lesson must not reach the learner's own services or the internet unasked.
public struct NetworkConsent: Sendable {
  /// One file per lesson id, holding the fingerprint of the lesson text that was allowed.
  let folder: URL

  public init(paths: Paths) { folder = paths.data.appendingPathComponent("network-consent") }

  /// Whether `lesson`'s guest may reach the network: never unless it declares `requires: [network]`; then only with
  /// `allow` (recorded for next time) or an earlier consent to this same text of the lesson.
  public func decide(for lesson: Lesson, allow: Bool) throws -> Bool {
    guard lesson.requires.contains(.network) else { return false }
    let record = folder.appendingPathComponent(lesson.id)
    let fingerprint = Self.fingerprint(lesson)
    if allow {
      try Paths.ensureDirectory(folder)
      try Data(fingerprint.utf8).write(to: record, options: .atomic)
      return true
    }
    guard (try? String(contentsOf: record, encoding: .utf8)) == fingerprint else {
      throw LaunchError.networkNotAllowed(lesson: lesson.id)
    }
    return true
  }

  /// The lesson's whole file when it can be read (any edit asks again), else its id and prose.
  static func fingerprint(_ lesson: Lesson) -> String {
    if let data = FileManager.default.contents(atPath: lesson.file) { return SHA256.hex(String(decoding: data, as: UTF8.self)) }
    return SHA256.hex(lesson.id + "\n" + lesson.body)
  }
}
