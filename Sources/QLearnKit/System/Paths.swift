import Foundation

/// Where qlearn keeps its files on the host. qlearn alone chooses these paths; a lesson never names a host path.
///
/// Follows the XDG base directory specification so that a learner's progress, caches and live sessions land where
/// the rest of their tools put theirs, and each can be moved with one variable.
public struct Paths: Sendable, Equatable {
  /// Progress database and other state worth keeping (`$XDG_DATA_HOME/qlearn`).
  public var data: URL
  /// Rebuildable artefacts: kernels, initramfs images, QEMU capability tables (`$XDG_CACHE_HOME/qlearn`).
  public var cache: URL
  /// Live sessions: sockets, disk images, logs (`$XDG_RUNTIME_DIR/qlearn`, else `/tmp/qlearn-<uid>`).
  public var runtime: URL

  public init(data: URL, cache: URL, runtime: URL) {
    self.data = data
    self.cache = cache
    self.runtime = runtime
  }

  /// The paths for this user, honouring `QLEARN_DATA_DIR`, `QLEARN_CACHE_DIR` and `QLEARN_RUNTIME_DIR` first (tests and
  /// CI use them to stay out of the learner's home), then the XDG variables, then the XDG defaults.
  public static func standard(
    environment: [String: String] = ProcessInfo.processInfo.environment, dataOverride: String? = nil
  ) -> Paths {
    let home = environment["HOME"].map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser
    func pick(_ override: String?, _ own: String, _ xdg: String, _ fallback: @autoclosure () -> URL) -> URL {
      if let override, !override.isEmpty { return URL(fileURLWithPath: override) }
      if let value = environment[own], !value.isEmpty { return URL(fileURLWithPath: value) }
      if let value = environment[xdg], value.hasPrefix("/") {
        return URL(fileURLWithPath: value).appendingPathComponent("qlearn")
      }
      return fallback()
    }
    return Paths(
      data: pick(
        dataOverride, "QLEARN_DATA_DIR", "XDG_DATA_HOME",
        home.appendingPathComponent(".local/share/qlearn")),
      cache: pick(
        nil, "QLEARN_CACHE_DIR", "XDG_CACHE_HOME", home.appendingPathComponent(".cache/qlearn")),
      runtime: pick(
        nil, "QLEARN_RUNTIME_DIR", "XDG_RUNTIME_DIR",
        URL(fileURLWithPath: "/tmp/qlearn-\(getuid())")))
  }

  /// Creates `url` and its parents with owner-only permissions, since sessions hold sockets into a root shell.
  public static func ensureDirectory(_ url: URL) throws {
    try FileManager.default.createDirectory(
      at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }
}
