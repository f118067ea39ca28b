import Foundation

import QLearnKit

/// Runs the built `qlearn` as a learner would, with its data, cache and runtime folders kept inside a test folder.
public struct QLearnCLI {
  public let home: URL

  public init() throws { home = try Repository.temporaryDirectory() }

  public var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["QLEARN_DATA_DIR"] = home.appendingPathComponent("data").path
    // Kernels and guest images are shared with the other tests (and the learner's own cache), so a kernel is fetched
    // once per machine rather than once per test.
    environment["QLEARN_CACHE_DIR"] = Paths.standard().cache.path
    environment["QLEARN_RUNTIME_DIR"] = home.appendingPathComponent("run").path
    environment.removeValue(forKey: "NO_COLOR")
    environment["QLEARN_POOL_SIZE"] = "0"  // no background warm-pool boots left behind by `show` or `start`
    return environment
  }

  @discardableResult
  public func run(_ arguments: [String], input: String? = nil) throws -> Command.Output {
    try Command(
      try qlearnExecutableURL().path, arguments, currentDirectory: Repository.root, environment: environment,
      input: input.map { Data($0.utf8) }
    ).output()
  }

  public var paths: Paths {
    Paths(
      data: home.appendingPathComponent("data"), cache: Paths.standard().cache,
      runtime: home.appendingPathComponent("run"))
  }

  /// Starts qlearn without waiting for it, for tests that signal it.
  public func spawn(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = try qlearnExecutableURL()
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = Repository.root
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Runs qlearn on a pseudo-terminal (through util-linux `script`), so it behaves as on a learner's screen.
  public func runOnTerminal(_ arguments: [String]) throws -> Command.Output {
    let line = ([try qlearnExecutableURL().path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    var environment = self.environment
    environment["PAGER"] = "cat"
    environment["TERM"] = "xterm"
    return try Command("script", ["-qec", line, "/dev/null"], currentDirectory: Repository.root, environment: environment)
      .output()
  }
}
