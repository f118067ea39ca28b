import Foundation

/// What a check looks at. Guest probes go through the guest agent, QMP probes through QEMU's monitor socket, host logs are
/// files qlearn itself keeps for the session.
public enum Inspection: Sendable {
  /// A file's content in the guest.
  case guestFile(path: Template)
  /// The paths in the guest matching a pattern (one per line; `count` counts them).
  case guestGlob(pattern: Template)
  /// A command's standard output and exit status in the guest (`/bin/sh -c`).
  case guestCommand(Template)
  /// Kernel log lines printed since the step began.
  case dmesg
  /// `/proc/interrupts` rows whose name matches a regex, with per-CPU counts and their change since the step began.
  case interrupts(name: Template)
  /// A QMP command's reply, optionally narrowed to one member by a dotted path (`status`, `0.props.core-id`).
  case qmp(command: String, arguments: [String: Template], select: String?)
  /// A log qlearn keeps for the session: `console` (the guest console) or one a device writes (`isa-debugcon`'s `log`).
  case hostLog(name: Template)
  /// What the learner wrote with `qlearn answer`.
  case answer

  public static let kinds = [
    "guest-file", "guest-glob", "guest-command", "dmesg", "interrupts", "qmp", "host-log", "answer",
  ]
}
