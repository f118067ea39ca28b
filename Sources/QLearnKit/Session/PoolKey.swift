import Foundation

/// What a pooled guest was booted from, as one digest: a pooled guest is adopted only by a start that would have booted
/// exactly the same machine. It covers the lesson file's bytes (any edit, even to a step's text, discards the guest),
/// QEMU's command line for the machine (devices, kernel arguments, accelerator, network consent), and the identity
/// (path, size, modification time) of the kernel, the initramfs, and qlearn itself.
public struct PoolKey: Sendable, Equatable, Codable {
  public var digest: String

  public init(digest: String) { self.digest = digest }

  /// The key of `lesson` booted by `plan`. The session folder is left out: the same machine boots in a pool slot and is
  /// then moved to the lesson's session folder.
  public init(lesson: Lesson, plan: BootPlan) {
    var hash = SHA256()
    func field(_ name: String, _ value: String) {
      hash.update(name + "\u{0}" + value + "\u{0}")
    }
    field("lesson", lesson.id)
    hash.update(FileManager.default.contents(atPath: lesson.file) ?? Data())
    var neutral = plan
    neutral.sessionDirectory = URL(fileURLWithPath: "/qlearn-pool-slot")
    field("argv", QEMUCommandLine.arguments(for: lesson.machine, plan: neutral).joined(separator: "\u{1}"))
    let qlearn = (try? SessionLauncher.ownExecutable()) ?? ""
    field("kernel", Self.identity(of: plan.kernel.path))
    // The initramfs cache names an image by what went into it, and marks it used by touching it: no modification time.
    field("initramfs", Self.identity(of: plan.initrd?.path ?? "", withTime: false))
    field("qlearn", Self.identity(of: qlearn))
    digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
  }

  /// Path, size and modification time: a rebuilt kernel, initramfs or qlearn changes it.
  static func identity(of path: String, withTime: Bool = true) -> String {
    guard !path.isEmpty, let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return path }
    let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return withTime ? "\(path) \(size) \(modified)" : "\(path) \(size)"
  }
}
