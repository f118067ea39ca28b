import Foundation

import QLearnKit

/// A fresh directory for one test's sockets, short enough for `sockaddr_un`.
public func sessionScratchDirectory(_ tag: String) throws -> URL {
  let url = URL(fileURLWithPath: "/tmp/qlt-\(tag)-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// A real program started for a test (QEMU, qemu-ga), killed and reaped when the test is done with it.
///
/// Spawned with `posix_spawn` and an empty signal mask on purpose: Foundation's `Process`, called from a Dispatch worker
/// thread (where Swift Testing runs tests), hands the worker's blocked signals to the child, and a QEMU with SIGTERM
/// blocked never exits.
public final class ScratchProcess: @unchecked Sendable {
  public let pid: pid_t
  public let directory: URL
  private var reaped = false
  private let lock = NSLock()

  public init(_ executable: String, _ arguments: [String], directory: URL) throws {
    self.directory = directory
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 2, directory.appendingPathComponent("stderr.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var child: pid_t = 0
    let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
    guard status == 0 else { throw SystemError(call: "posix_spawn", subject: executable, errno: status) }
    pid = child
  }

  public func signal(_ number: Int32) { _ = kill(pid, number) }

  /// Waits for the process to exit and reaps it.
  public func waitForExit() {
    lock.withLock {
      guard !reaped else { return }
      var status: Int32 = 0
      _ = try? syscall("waitpid", "\(pid)") { waitpid(pid, &status, 0) }
      reaped = true
    }
  }

  public func stop() {
    let running = lock.withLock { !reaped }
    guard running else { return }
    _ = kill(pid, SIGKILL)
    waitForExit()
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }
}

/// QEMU with no guest and a QMP socket: `-machine pc -S` has PCI devices and stays in `prelaunch` until `cont`.
public func startScratchQEMU(machine: String = "pc") throws -> (ScratchProcess, String) {
  let directory = try sessionScratchDirectory("qmp")
  let socket = directory.appendingPathComponent("qmp.sock").path
  let qemu = try ScratchProcess(
    "/usr/bin/qemu-system-x86_64",
    ["-machine", machine, "-S", "-nodefaults", "-display", "none", "-qmp", "unix:\(socket),server=on,wait=off"],
    directory: directory)
  return (qemu, socket)
}

/// qemu-ga listening on a unix socket on the host: the real agent, without a VM.
public func startScratchGuestAgent() throws -> (ScratchProcess, String) {
  let directory = try sessionScratchDirectory("qga")
  let socket = directory.appendingPathComponent("qga.sock").path
  let agent = try ScratchProcess(
    "/usr/sbin/qemu-ga", ["-m", "unix-listen", "-p", socket, "-t", directory.path, "-f", directory.appendingPathComponent("qga.pid").path], directory: directory)
  return (agent, socket)
}
