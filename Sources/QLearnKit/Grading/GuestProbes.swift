import Foundation

/// The probes behind each kind of ``Inspection``: how each looks at the guest, QEMU or the host.
public enum GuestProbes {
  /// Inspects what `inspection` names, with the check's arguments in `values`.
  public static func observe(
    _ inspection: Inspection, values: [String: String], session: LiveSession, baseline: StepBaseline?
  ) async throws -> Observation {
    switch inspection {
    case .guestFile(let path):
      return try await guestFile(path.filled(with: values), session)
    case .guestGlob(let pattern):
      let result = try await commandOrTimeout(GlobQuote.listCommand(pattern.filled(with: values)), session)
      return result
    case .guestCommand(let command):
      return try await commandOrTimeout(command.filled(with: values), session)
    case .dmesg:
      let new = try await dmesgLines(session, after: baseline?.dmesg)
      return Observation(text: new.joined(separator: "\n"))
    case .interrupts(let name):
      let pattern = name.filled(with: values)
      guard let regex = try? NSRegularExpression(pattern: pattern) else {
        return .unavailable("'\(TerminalSafe.clip(pattern))' is not a valid regular expression")
      }
      let table = try await interrupts(session)
      let increases = table.increases(since: baseline?.interrupts, matching: regex)
      return Observation(text: increases.map(\.row.line).joined(separator: "\n"), interrupts: increases)
    case .qmp(let command, let arguments, let select):
      return try await qmp(
        Template(command).filled(with: values), arguments.mapValues { $0.filled(with: values) },
        select: select.map { Template($0).filled(with: values) } ?? "", session)
    case .hostLog(let name):
      return hostLog(name.filled(with: values), directory: session.directory)
    case .answer:
      return answer(session.directory)
    }
  }

  static func guestFile(_ path: String, _ session: LiveSession) async throws -> Observation {
    let agent = try await session.guestAgent()
    do {
      let data = try await agent.readFile(path: path, timeout: session.timeout)
      return Observation(text: String(decoding: data, as: UTF8.self))
    } catch GuestAgentError.guestCommandFailed(_, _, let desc) {
      return .unavailable("cannot read \(TerminalSafe.clip(path)): \(TerminalSafe.clip(desc))")
    } catch {
      throw await session.explain(error)
    }
  }

  /// A guest command's output and status; one still running at the timeout is the check's failure, not the guest's.
  static func commandOrTimeout(_ command: String, _ session: LiveSession) async throws -> Observation {
    do {
      let result = try await session.shell(command)
      return Observation(text: result.stdoutText, exitStatus: result.exitCode)
    } catch GuestAgentError.execTimedOut(_, _, let timeout) {
      return .unavailable("the command did not finish within \(timeout)")
    }
  }

  /// The guest kernel's log, one line per record.
  public static func dmesgLines(_ session: LiveSession) async throws -> [String] {
    let result = try await session.shell("dmesg")
    return Observation(text: result.stdoutText).lines
  }

  /// The log's lines after `mark` (all of them without one). Only the tail crosses the agent's serial line, which moves
  /// about 100-200 KB/s under TCG, while the boot log alone is over 20 KB. The tail starts at the mark's own last line,
  /// so a log that wrapped or changed underneath shows, and then the whole log is read and matched by content.
  public static func dmesgLines(_ session: LiveSession, after mark: DmesgMark?) async throws -> [String] {
    guard let mark, mark.count > 0 else { return try await dmesgLines(session) }
    let result = try await session.shell("dmesg | tail -n +\(mark.count)")
    let tail = Observation(text: result.stdoutText).lines
    if let first = tail.first, first == mark.lastLine { return Array(tail.dropFirst()) }
    return mark.linesAfter(try await dmesgLines(session))
  }

  /// Where the log is now, as a ``DmesgMark``.
  public static func dmesgMark(_ session: LiveSession) async throws -> DmesgMark {
    let result = try await session.shell(DmesgMark.command)
    if let mark = DmesgMark(markOutput: result.stdoutText) { return mark }
    return DmesgMark(lines: try await dmesgLines(session))
  }

  /// The mark `/init` left as the guest became ready, or nil (a learner's own disk image has no such file). `/init`
  /// writes it in the background; while its `.new` file exists the mark is coming, so this waits for it (briefly). A
  /// guest that does not answer throws: a baseline guessed then would be kept for the whole step.
  public static func bootMark(_ session: LiveSession) async throws -> DmesgMark? {
    let agent = try await session.guestAgent()
    /// The file's bytes, or nil when the guest says it cannot open it.
    func read(_ path: String) async throws -> Data? {
      do {
        return try await agent.readFile(path: path, timeout: session.timeout)
      } catch GuestAgentError.guestCommandFailed {
        return nil
      } catch {
        throw await session.explain(error)
      }
    }
    let deadline = ContinuousClock.now + .seconds(2)
    while true {
      if let data = try await read(InitScript.bootMarkPath) {
        return DmesgMark(markOutput: String(decoding: data, as: UTF8.self))
      }
      if try await read(InitScript.bootMarkPath + ".new") == nil {
        // No mark is coming, unless it was renamed between the two reads.
        return try await read(InitScript.bootMarkPath).flatMap { DmesgMark(markOutput: String(decoding: $0, as: UTF8.self)) }
      }
      guard ContinuousClock.now < deadline else { return nil }
      try await Task.sleep(for: .milliseconds(10))
    }
  }

  public static func interrupts(_ session: LiveSession) async throws -> InterruptTable {
    let agent = try await session.guestAgent()
    do {
      return InterruptTable(parsing: String(decoding: try await agent.readFile(path: "/proc/interrupts", timeout: session.timeout), as: UTF8.self))
    } catch {
      throw await session.explain(error)
    }
  }

  static func qmp(_ command: String, _ arguments: [String: String], select: String, _ session: LiveSession)
    async throws -> Observation
  {
    let client = try await session.monitor()
    let reply: JSONValue
    do {
      reply = try await client.execute(
        command, arguments: arguments.isEmpty ? nil : arguments.mapValues { JSONValue.string($0) },
        timeout: session.timeout)
    } catch QMPError.commandFailed(_, _, let desc) {
      return .unavailable("QEMU refused \(TerminalSafe.clip(command)): \(TerminalSafe.clip(desc))")
    } catch {
      throw await session.explain(error)
    }
    guard let value = JSONSelect.select(select, in: reply) else {
      return .unavailable("the reply has no '\(TerminalSafe.clip(select))': \(TerminalSafe.clip(reply.compactString))")
    }
    return Observation(text: JSONSelect.render(value))
  }

  static func hostLog(_ name: String, directory: SessionDirectory) -> Observation {
    guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
      return .unavailable("'\(TerminalSafe.clip(name))' is not a log name")
    }
    let url = directory.layout.hostLog(name)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      return .unavailable("the session has no \(name) log")
    }
    return Observation(text: String(decoding: data, as: UTF8.self))
  }

  static func answer(_ directory: SessionDirectory) -> Observation {
    guard let data = FileManager.default.contents(atPath: directory.answerFile.path) else {
      return .unavailable("no answer yet (record one with `qlearn answer TEXT`)")
    }
    return Observation(text: String(decoding: data, as: UTF8.self), isAnswer: true)
  }
}

/// Dotted paths into a QMP reply: `status`, `0.qom-path`, `0.props.core-id`.
public enum JSONSelect {
  public static func select(_ path: String, in value: JSONValue) -> JSONValue? {
    var current = value
    for part in path.split(separator: ".", omittingEmptySubsequences: true).map(String.init) {
      if let index = Int(part), let element = current[index] {
        current = element
      } else if let member = current[part] {
        current = member
      } else {
        return nil
      }
    }
    return current
  }

  /// A string as itself (so `equals: running` works), anything else as compact JSON.
  public static func render(_ value: JSONValue) -> String {
    value.string ?? value.compactString
  }
}

/// Shell text that lists the guest paths matching a glob, one per line, with everything but `*` and `?` quoted so a
/// pattern can never be more than a pattern.
public enum GlobQuote {
  public static func quoted(_ pattern: String) -> String {
    var out = ""
    var literal = ""
    func flush() {
      if !literal.isEmpty { out += "'" + literal.replacingOccurrences(of: "'", with: "'\\''") + "'" }
      literal = ""
    }
    for character in pattern {
      if character == "*" || character == "?" {
        flush()
        out.append(character)
      } else {
        literal.append(character)
      }
    }
    flush()
    return out
  }

  public static func listCommand(_ pattern: String) -> String {
    "for f in \(quoted(pattern)); do if [ -e \"$f\" ] || [ -L \"$f\" ]; then echo \"$f\"; fi; done"
  }
}
