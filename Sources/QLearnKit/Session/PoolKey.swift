import Foundation

/// What a pooled guest was booted from: a pooled guest is adopted only by a start that would have booted exactly the
/// same machine. It covers the lesson file's bytes (any edit, even to a step's text, discards the guest), QEMU's command
/// line for the machine (devices, kernel arguments, accelerator, network consent), the identity of the kernel and of
/// qlearn itself (path, size, modification time), and of the initramfs (its content-named path and size).
public struct PoolKey: Sendable, Equatable, Codable {
  /// One digest per input, by name, so that a discarded guest can say which input changed.
  public var parts: [String: String]

  public init(parts: [String: String]) { self.parts = parts }

  /// The key of `lesson` booted by `plan`. The session folder is left out: the same machine boots in a pool slot and is
  /// then moved to the lesson's session folder.
  public init(lesson: Lesson, plan: BootPlan) {
    var neutral = plan
    neutral.sessionDirectory = URL(fileURLWithPath: "/qlearn-pool-slot")
    let argv = QEMUCommandLine.arguments(for: lesson.machine, plan: neutral)
    var lessonHash = SHA256()
    lessonHash.update(lesson.id + "\u{0}")
    lessonHash.update(FileManager.default.contents(atPath: lesson.file) ?? Data())
    parts = [
      "lesson file": lessonHash.finalize().map { String(format: "%02x", $0) }.joined(),
      "QEMU command line": SHA256.hex(argv.joined(separator: "\u{0}")),
      "kernel": SHA256.hex(Self.identity(of: plan.kernel.path)),
      // The initramfs cache names an image by what went into it, and marks it used by touching it: no modification time.
      "initramfs": SHA256.hex(Self.identity(of: plan.initrd?.path ?? "", withTime: false)),
      "qlearn": SHA256.hex(Self.identity(of: (try? SessionLauncher.ownExecutable()) ?? "")),
    ]
  }

  /// The inputs whose digests differ, for the message that discards a guest.
  public func changes(from other: PoolKey) -> [String] {
    Set(parts.keys).union(other.parts.keys).filter { parts[$0] != other.parts[$0] }.sorted()
  }

  /// Path, size and modification time: a rebuilt kernel or qlearn changes it.
  static func identity(of path: String, withTime: Bool = true) -> String {
    guard !path.isEmpty, let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return path }
    let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return withTime ? "\(path) \(size) \(modified)" : "\(path) \(size)"
  }
}
