import Foundation
import QLearnKit

#if canImport(Glibc)
  import Glibc
#endif

/// While pages show a guest console, `qlearn serve` holds QEMU's only console connection; this socket in the session
/// folder lets `qlearn attach` share it at the same time (QEMU's socket serves one client at once, and a second one
/// would wait, silent, until the first left). `qlearn attach` tries it first and falls back to QEMU's own socket.
public enum SharedConsole {
  public static func path(for directory: SessionDirectory) -> String {
    directory.url.appendingPathComponent("console-shared.sock").path
  }

  /// A connection to the shared console if `qlearn serve` offers one for this session now, else nil.
  public static func connect(_ directory: SessionDirectory) -> UnixSocket? {
    let path = path(for: directory)
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try? UnixSocket.connect(path: path, timeout: .milliseconds(200))
  }
}

/// The listening end of ``SharedConsole``: a non-blocking unix socket, private to the user.
final class SharedConsoleListener: Sendable {
  let path: String
  let fileDescriptor: Int32

  init(path: String) throws {
    Self.removeSocketFile(path)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      throw SystemError(call: "bind", subject: path, errno: ENAMETOOLONG)
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
    let fd = try syscall("socket", path) { socket(AF_UNIX, type, 0) }
    do {
      try syscall("bind", path) {
        withUnsafePointer(to: &address) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
      }
      try syscall("chmod", path) { chmod(path, 0o600) }
      try syscall("listen", path) { listen(fd, 8) }
    } catch {
      try? closeOnce(fd, path)
      Self.removeSocketFile(path)
      throw error
    }
    self.path = path
    self.fileDescriptor = fd
  }

  /// A waiting client, or nil when none is.
  func accept() -> UnixSocket? {
    guard let fd = try? syscall("accept", path, { Glibc.accept(fileDescriptor, nil, nil) }) else { return nil }
    // Swift's Glibc module lacks accept4; a child spawned meanwhile closes every inherited descriptor (Spawn.run).
    guard (try? syscall("fcntl", path) { fcntl(fd, F_SETFD, FD_CLOEXEC) }) != nil else {
      try? closeOnce(fd, path)
      return nil
    }
    return try? UnixSocket.adopting(fileDescriptor: fd, name: path)
  }

  func close() {
    Self.removeSocketFile(path)
    try? closeOnce(fileDescriptor, path)
  }

  /// Removes the socket file; its absence (never created, or removed already) is no error.
  private static func removeSocketFile(_ path: String) {
    _ = try? syscall("unlink", path) { unlink(path) }
  }
}
