import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Finds the session a command means, and ends sessions.
public enum SessionResolver {
  /// The session of `lesson`, or the only running one when `lesson` is nil.
  public static func directory(_ lesson: String?, paths: Paths) throws -> SessionDirectory {
    if let lesson {
      let directory = SessionDirectory.forLesson(lesson, paths: paths)
      guard FileManager.default.fileExists(atPath: directory.url.path) else {
        throw SessionError.notRunning(lesson: lesson)
      }
      return directory
    }
    let all = SessionDirectory.all(paths)
    let running = all.filter {
      if case .running = $0.state() { return true }
      return false
    }
    switch running.count {
    case 0 where all.count == 1: return all[0]  // a VM that died: the caller reports how
    case 0: throw SessionError.noneRunning
    case 1: return running[0]
    default: throw SessionError.ambiguous(running.map(\.lesson))
    }
  }

  /// The running session's record, or an error saying the VM is gone (and cleaning up after it).
  public static func running(_ directory: SessionDirectory) throws -> SessionRecord {
    switch directory.state() {
    case .running(let record): return record
    case .ended(let record, let reason):
      // Read what QEMU and the guest said last before the folder (and the logs in it) goes.
      let qemuOutput = directory.qemuOutputTail()
      let console = ConsoleLog(path: directory.layout.consoleLog.path).lastWords()
      directory.remove()
      throw SessionError.vmGone(
        lesson: record?.lesson ?? directory.lesson, reason: reason, qemuOutput: qemuOutput, console: console)
    case .stale:
      directory.remove()
      throw SessionError.vmGone(lesson: directory.lesson, reason: "its supervisor is gone")
    }
  }

  /// The error for a session whose console or monitor QEMU just closed. The supervisor records QEMU's end a moment
  /// later, so this waits up to `patience` for that record: with it the report carries QEMU's and the guest's last
  /// lines (a panic says why); without it, `reason` alone.
  public static func gone(
    _ directory: SessionDirectory, reason: String, patience: Duration = .seconds(2)
  ) async -> SessionError {
    let deadline = ContinuousClock.now + patience
    while true {
      do {
        _ = try running(directory)
      } catch let error as SessionError {
        return error
      } catch {
        break
      }
      guard ContinuousClock.now < deadline else { break }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return .vmGone(lesson: directory.lesson, reason: reason)
  }

  /// Asks the supervisor to stop QEMU and waits for the session folder to go; removes it itself if need be.
  public static func stop(_ directory: SessionDirectory) async throws {
    if case .running(let record) = directory.state() {
      try? Spawn.signal(record.supervisorPID, SIGTERM)  // gone already: the loop below sees the folder go
      for _ in 0..<100 where FileManager.default.fileExists(atPath: directory.url.path) {
        try await Task.sleep(for: .milliseconds(50))
      }
      if let qemu = record.qemuPID, Spawn.isAlive(qemu) { try? Spawn.signal(qemu, SIGKILL) }
    }
    directory.remove()
  }
}
