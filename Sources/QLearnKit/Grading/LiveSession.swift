import Foundation

/// The grader's channels into one running session: the guest agent and QMP, opened on first use and reused by every
/// check of a grading run. It also decides what a channel failure means: a QEMU that died is ``SessionError/vmGone``,
/// a live QEMU whose agent does not answer is ``GradingError/agentUnresponsive``; neither is the learner's failed check.
public actor LiveSession {
  public let directory: SessionDirectory
  public let lesson: String
  /// How long one probe may take; a guest command that is still running then counts as a failed check, an agent that
  /// does not answer at all as an unresponsive guest.
  public let timeout: Duration
  private var agent: GuestAgentClient?
  private var qmp: QMPClient?

  public init(directory: SessionDirectory, lesson: String, timeout: Duration = .seconds(5)) {
    self.directory = directory
    self.lesson = lesson
    self.timeout = timeout
  }

  /// The session's record, or ``SessionError/vmGone`` when QEMU is no longer running.
  public func ensureRunning() throws -> SessionRecord {
    try SessionResolver.running(directory)
  }

  public func guestAgent() async throws -> GuestAgentClient {
    if let agent { return agent }
    do {
      let client = try await GuestAgentClient.connect(
        path: directory.layout.agentSocket.path, timeout: timeout)
      agent = client
      return client
    } catch {
      throw await explain(error)
    }
  }

  public func monitor() async throws -> QMPClient {
    if let qmp { return qmp }
    do {
      let client = try await QMPClient.connect(path: directory.layout.qmpSocket.path, timeout: timeout)
      qmp = client
      return client
    } catch {
      throw await explain(error)
    }
  }

  /// Runs a shell command in the guest, translating channel failures.
  public func shell(_ command: String, timeout: Duration? = nil) async throws -> GuestExecResult {
    let agent = try await guestAgent()
    do {
      return try await agent.shell(command, timeout: timeout ?? self.timeout)
    } catch {
      throw await explain(error)
    }
  }

  public func close() {
    agent?.close()
    qmp?.close()
    agent = nil
    qmp = nil
  }

  /// Turns a channel error into what it means for grading. Errors that are about the check itself (a file that does not
  /// exist, a command that runs too long) are returned unchanged for the probe to report as a failed check.
  public func explain(_ error: any Error) async -> any Error {
    let channelDied: Bool
    switch error {
    case let error as GuestAgentError:
      switch error {
      case .agentClosed, .connectFailed: channelDied = true
      case .agentUnresponsive, .notReady, .protocolError: channelDied = false
      case .guestCommandFailed, .execTimedOut: return error
      }
    case let error as QMPError:
      switch error {
      case .vmGone, .connectFailed: channelDied = true
      case .timedOut, .eventTimedOut, .protocolError: channelDied = false
      case .commandFailed: return error
      }
    default:
      return error
    }
    // QEMU closing a socket is seen before the supervisor has written how it ended: give it a moment.
    let wait: Duration = channelDied ? .seconds(2) : .milliseconds(200)
    let deadline = ContinuousClock.now + wait
    repeat {
      if case .running = directory.state() {
        try? await Task.sleep(for: .milliseconds(50))
      } else {
        break
      }
    } while ContinuousClock.now < deadline
    do {
      _ = try SessionResolver.running(directory)
    } catch {
      close()
      return error
    }
    let detail = (error as? LocalizedError)?.errorDescription ?? "\(error)"
    if error is QMPError { return GradingError.monitorUnresponsive(lesson: lesson, detail: detail) }
    return GradingError.agentUnresponsive(lesson: lesson, detail: detail)
  }
}
