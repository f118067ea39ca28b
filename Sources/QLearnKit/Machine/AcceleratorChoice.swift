import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Chooses KVM or TCG for a boot, and remembers a KVM that did not work.
///
/// `/dev/kvm` opening is not enough: under nested virtualisation it may open and then hang the guest. So `auto` tries
/// KVM with a short deadline for the guest agent; the runner reports a KVM boot that misses it with ``recordFailure()``,
/// and every later `auto` on this host (until it reboots) goes straight to TCG and says why.
public struct AcceleratorChoice: Sendable {
  public enum Request: String, Sendable, CaseIterable { case auto, kvm, tcg }

  public var cacheDirectory: URL

  public init(cacheDirectory: URL) { self.cacheDirectory = cacheDirectory }

  /// How long a KVM boot may take to reach the agent before it is judged hung: far more than any KVM boot needs.
  public static let kvmDeadline: Duration = .seconds(8)

  public struct Decision: Sendable, Equatable {
    public var accelerator: BootPlan.Accelerator
    /// True when KVM is being tried and may still be abandoned for TCG.
    public var isProbe: Bool
    /// One line for the learner, when the choice is not the obvious one.
    public var note: String?
  }

  public func decide(_ request: Request) throws -> Decision {
    switch request {
    case .tcg:
      return Decision(accelerator: .tcg, isProbe: false, note: nil)
    case .kvm:
      if let problem = Self.kvmDeviceProblem() { throw AcceleratorError.kvmUnavailable(problem) }
      return Decision(accelerator: .kvm, isProbe: false, note: nil)
    case .auto:
      if let problem = Self.kvmDeviceProblem() {
        return Decision(accelerator: .tcg, isProbe: false, note: "KVM is not available (\(problem)); using TCG.")
      }
      if knownBroken() {
        return Decision(
          accelerator: .tcg, isProbe: false,
          note: "KVM hung a guest earlier on this host; using TCG (`--accel kvm` tries KVM again).")
      }
      return Decision(accelerator: .kvm, isProbe: true, note: nil)
    }
  }

  /// Why `/dev/kvm` cannot be used, or nil when it opens for reading and writing.
  public static func kvmDeviceProblem() -> String? {
    do {
      let fd = try syscall("open", "/dev/kvm") { open("/dev/kvm", O_RDWR | O_CLOEXEC) }
      try? closeOnce(fd, "/dev/kvm")
      return nil
    } catch {
      return "/dev/kvm: \(error.reason)"
    }
  }

  var markerFile: URL { cacheDirectory.appendingPathComponent("kvm-hangs") }

  /// The marker names the boot it was made in, so a reboot (perhaps onto a host where KVM works) clears it.
  static var bootID: String {
    (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
      .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
  }

  func knownBroken() -> Bool {
    (try? String(contentsOf: markerFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
      == Self.bootID
  }

  public func recordFailure() {
    try? Paths.ensureDirectory(cacheDirectory)
    try? Self.bootID.write(to: markerFile, atomically: true, encoding: .utf8)
  }
}

public enum AcceleratorError: Error, LocalizedError, Equatable {
  case kvmUnavailable(String)

  public var errorDescription: String? {
    switch self {
    case .kvmUnavailable(let why): "KVM was requested but cannot be used: \(why)."
    }
  }
  public var recoverySuggestion: String? {
    "Use `--accel tcg` (or `auto`, which falls back by itself), or give your user access to /dev/kvm."
  }
}
