import Foundation

/// Why a lesson's VM did not start, with what the learner can do about it.
public enum LaunchError: Error, LocalizedError, Sendable {
  case hostLacks(lesson: String, [(HostRequirement, String)])
  case alreadyRunning(lesson: String)
  /// The lesson declares `requires: [network]` and the learner has not consented for it.
  case networkNotAllowed(lesson: String)
  /// The lesson's VM wants more memory than this host has (RAM plus swap).
  case hostMemory(lesson: String, wanted: String, total: UInt64, available: UInt64, swap: UInt64)
  /// Another `qlearn start` of the same lesson is booting it right now.
  case startInProgress(lesson: String)
  case qemuFailed(lesson: String, reason: String, qemuOutput: [String], console: [String])
  case bootTimedOut(lesson: String, seconds: Int, console: [String])
  case diskCreation(String)
  /// The lesson's `vfio-pci` devices cannot all get a host device.
  case vfioDevice(String)

  public var errorDescription: String? {
    switch self {
    case .hostLacks(let lesson, let unmet):
      return "The lesson '\(lesson)' cannot run on this host:\n"
        + unmet.map { "  - it needs \($0.0.explanation): \($0.1)" }.joined(separator: "\n")
    case .alreadyRunning(let lesson):
      return "The lesson '\(lesson)' already has a running VM."
    case .networkNotAllowed(let lesson):
      return "The lesson '\(lesson)' asks for network access (requires: [network]): its guest, and every check it "
        + "runs there, could reach the services on your computer (QEMU's 10.0.2.2 is your host's own loopback) and the "
        + "internet. Without your consent qlearn does not start it."
    case .hostMemory(let lesson, let wanted, let total, let available, let swap):
      return "The lesson '\(lesson)' gives its VM \(wanted) of memory, more than this host can give: it has "
        + "\(HostMemory.gigabytes(total)) of RAM (\(HostMemory.gigabytes(available)) available now)"
        + (swap > 0 ? " and \(HostMemory.gigabytes(swap)) of swap." : " and no swap.")
    case .startInProgress(let lesson):
      return "Another `qlearn start \(lesson)` is booting this lesson right now; this one did nothing."
    case .qemuFailed(let lesson, let reason, let output, let console):
      return "The VM of '\(lesson)' stopped while booting: \(reason)."
        + Self.quoted("QEMU said", output) + Self.quoted("Last console lines", console)
    case .bootTimedOut(let lesson, let seconds, let console):
      return "The VM of '\(lesson)' did not become ready within \(seconds) s." + Self.quoted("Last console lines", console)
    case .diskCreation(let why):
      return "qlearn could not create the lesson's disks: \(why)"
    case .vfioDevice(let why):
      return "qlearn has no host device for the lesson's VFIO passthrough: \(why)."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .hostLacks: "Run it on a host that offers this, or pick another lesson (`qlearn list`)."
    case .alreadyRunning(let lesson): "Attach to it with `qlearn attach \(lesson)`, or end it with `qlearn stop \(lesson)`."
    case .networkNotAllowed(let lesson):
      "If you trust the lesson's author, start it once with `qlearn start \(lesson) --allow-network`; qlearn remembers "
        + "your consent for this version of the lesson."
    case .hostMemory:
      "Run it on a host with more memory. Nothing was started; the lesson's `memory:` is its author's choice, not yours."
    case .startInProgress(let lesson):
      "Wait for it to finish booting, then `qlearn attach \(lesson)` joins that VM (`qlearn status` shows it)."
    case .qemuFailed: "If the lesson was changed, run `qlearn lint` on it; otherwise report the lines above."
    case .bootTimedOut: "Try again; if it keeps happening, start with `--accel tcg` and look at the console lines above."
    case .diskCreation: "Check that qemu-img is installed (Scripts/install-deps) and the runtime folder is writable."
    case .vfioDevice:
      "Bind a spare host device to vfio-pci (unbind it from its driver, then write its vendor and device id to "
        + "/sys/bus/pci/drivers/vfio-pci/new_id), or name a bound one with --vfio-device 0000:BB:DD.F."
    }
  }
}

extension LaunchError {
  /// `lines` under a heading, indented and clipped for a terminal; nothing when there are no lines.
  static func quoted(_ heading: String, _ lines: [String]) -> String {
    guard !lines.isEmpty else { return "" }
    return "\n\(heading):\n" + lines.map { "  " + TerminalSafe.clip($0, limit: 200) }.joined(separator: "\n")
  }
}
