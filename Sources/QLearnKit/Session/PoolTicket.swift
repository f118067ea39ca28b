import Foundation

/// What the warm pool knows about one of its guests, in `<runtime>/pool/<slot>.json` beside the slot's session folder
/// `<runtime>/pool/<slot>/` (outside it, because a boot starts from an empty folder and adoption moves the folder).
public struct PoolTicket: Codable, Sendable, Equatable {
  public enum State: String, Codable, Sendable {
    /// `qlearn pool fill` (process ``PoolTicket/fillerPID``) is booting it.
    case booting
    /// Booted, then paused with QMP `stop`: it uses no CPU until a start adopts it.
    case paused
  }

  public var lesson: String
  public var key: PoolKey
  public var state: State
  public var fillerPID: Int32
  public var createdAt: Date
  public var pausedAt: Date?
  /// The memory counted for it while it boots: guest RAM plus ``PoolBudget/qemuOverhead``.
  public var estimatedBytes: UInt64
  public var accelerator: String?
  public var kernel: String?

  public init(lesson: String, key: PoolKey, fillerPID: Int32, estimatedBytes: UInt64) {
    self.lesson = lesson
    self.key = key
    self.state = .booting
    self.fillerPID = fillerPID
    self.createdAt = Date()
    self.estimatedBytes = estimatedBytes
  }
}

/// One pool slot: its ticket and its session folder.
public struct PoolSlot: Sendable, Equatable {
  public var name: String
  public var ticket: PoolTicket
  public var directory: SessionDirectory
  public var ticketFile: URL

  /// Whether its guest still exists (a paused one with a live supervisor, a booting one with a live filler).
  public var isAlive: Bool {
    switch ticket.state {
    case .booting: return Spawn.isAlive(ticket.fillerPID)
    case .paused:
      if case .running = directory.state() { return true }
      return false
    }
  }

  /// The memory it holds now: QEMU's resident memory once paused, the estimate while booting.
  public var heldBytes: UInt64 {
    if ticket.state == .paused, let record = try? directory.readRecord(), let qemu = record.qemuPID {
      return PoolBudget.residentBytes(of: qemu)
    }
    return ticket.estimatedBytes
  }
}
