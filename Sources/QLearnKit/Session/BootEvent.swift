import Foundation

/// Boot milestones, reported as they happen so a long boot never looks stuck.
public enum BootEvent: Sendable, Equatable {
  case note(String)
  /// Boot `attempt` did not reach the guest agent within `seconds`; the machine is booted again.
  case bootingAgain(attempt: Int, seconds: Int)
  case preparing(String)
  case starting(accelerator: String)
  /// QEMU is up (its sockets exist): firmware and kernel are booting. The guest kernel boots `quiet`, so the console
  /// stays silent until the guest is up; QEMU's own sockets are the earlier sign of life.
  case qemuRunning
  case guestUp
  case ready(seconds: Double)
}
