import Foundation

/// One session folder: `<runtime>/sessions/<lesson>/`, holding the record, sockets, disks and logs. One session per
/// lesson at a time keeps `qlearn exec`, `monitor` and `check` unambiguous; `verify` uses its own runtime folder.
public struct SessionDirectory: Sendable, Equatable {
  public let url: URL

  public init(url: URL) { self.url = url }

  public static func root(_ paths: Paths) -> URL { paths.runtime.appendingPathComponent("sessions") }

  public static func forLesson(_ lesson: String, paths: Paths) -> SessionDirectory {
    SessionDirectory(url: root(paths).appendingPathComponent(lesson))
  }

  public var lesson: String { url.lastPathComponent }
  public var layout: SessionLayout { SessionLayout(folder: url) }
  public var recordFile: URL { url.appendingPathComponent("session.json") }
  public var argvFile: URL { url.appendingPathComponent("qemu-argv.json") }
  public var qemuOutput: URL { url.appendingPathComponent("qemu.log") }
  public var exitFile: URL { url.appendingPathComponent("qemu-exit.txt") }
  public var answerFile: URL { url.appendingPathComponent("answer.txt") }
  /// Where the current step's baseline (`StepBaseline`, written by grading) is kept.
  public var baselineFile: URL { url.appendingPathComponent("baseline.json") }

  public func readRecord() throws -> SessionRecord {
    try JSONDecoder.session.decode(SessionRecord.self, from: Data(contentsOf: recordFile))
  }

  public func write(_ record: SessionRecord) throws {
    try JSONEncoder.session.encode(record).write(to: recordFile, options: .atomic)
  }

  /// Every session folder under the runtime directory.
  public static func all(_ paths: Paths) -> [SessionDirectory] {
    let root = root(paths)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.sorted().map { SessionDirectory(url: root.appendingPathComponent($0)) }
  }

  /// The state of the session, checked against the live processes rather than trusted from the record.
  public enum State: Sendable, Equatable {
    case running(SessionRecord)
    /// QEMU ended on its own (or was killed); the supervisor wrote how.
    case ended(SessionRecord?, reason: String)
    /// A folder without a live supervisor (qlearn was killed, or the machine rebooted).
    case stale
  }

  public func state() -> State {
    guard let record = try? readRecord() else {
      return .stale
    }
    if let exit = try? String(contentsOf: exitFile, encoding: .utf8) {
      return .ended(record, reason: exit.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard Self.isSupervisor(record.supervisorPID, of: self) else { return .stale }
    return .running(record)
  }

  /// A pid may be reused after a crash: the process must be `qlearn _supervise <this folder>`.
  static func isSupervisor(_ pid: Int32, of session: SessionDirectory) -> Bool {
    guard Spawn.isAlive(pid),
      let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
    else { return false }
    let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    return words.contains("_supervise") && (words.contains(session.url.path) || session.isWorkingFolder(of: pid))
  }

  /// The last lines QEMU printed on its own stderr/stdout, for error reports.
  public func qemuOutputTail(lines: Int = 10) -> [String] {
    let text = (try? String(contentsOf: qemuOutput, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").suffix(lines).map(String.init)
  }

  public func remove() {
    try? FileManager.default.removeItem(at: url)
  }
}
