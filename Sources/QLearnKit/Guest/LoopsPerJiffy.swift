import Foundation

/// The kernel's delay-loop constant for this host, measured once and reused through `lpj=`.
///
/// Without `lpj=` every boot calibrates the delay loop, which under TCG is slow and adds jitter; the value depends on
/// the host CPU and the kernel, so it is cached per host and kernel release.
public enum LoopsPerJiffy {
  /// Reads `lpj=NNN` from a kernel log ("Calibrating delay loop ... (lpj=NNN)" or "... using timer frequency.. (lpj=NNN)").
  public static func parse(kernelLog: String) -> Int? {
    guard let range = kernelLog.range(of: #"\(lpj=([0-9]+)\)"#, options: .regularExpression) else { return nil }
    return Int(kernelLog[range].dropFirst(5).dropLast())
  }

  /// The cached value for this host and `kernel`, or boots the guest once (without `lpj=`) to measure it.
  public static func calibrated(
    kernel: Kernel, initramfs: URL, cacheDirectory: URL, progress: (String) -> Void = { _ in }
  ) throws -> Int {
    let file = cacheDirectory.appendingPathComponent("lpj/\(hostKey())-\(kernel.version)")
    if let text = try? String(contentsOf: file, encoding: .utf8),
      let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      return value
    }
    progress("calibrating the guest's delay loop (once per host and kernel)")
    let arguments = InitramfsBuilder.kernelArguments(lpj: nil, quiet: false)
    let qemu = try QEMUConsole(arguments: [
      "-machine", "pc", "-accel", "tcg", "-nodefaults", "-display", "none", "-no-reboot", "-m", "256M",
      "-kernel", kernel.fastBootImage.path, "-initrd", initramfs.path,
      "-append", arguments.joined(separator: " "), "-serial", "stdio",
    ])
    defer { qemu.terminate() }
    guard qemu.waitFor(InitScript.readyLine, timeout: 120), let value = parse(kernelLog: qemu.output) else {
      throw CalibrationError.noLpj(version: kernel.version, log: String(qemu.output.suffix(1500)))
    }
    try Paths.ensureDirectory(file.deletingLastPathComponent())
    try Data("\(value)\n".utf8).write(to: file, options: .atomic)
    return value
  }

  /// Host name plus CPU model: the delay loop runs on the host's CPU through TCG, so a new machine needs a new value.
  static func hostKey() -> String {
    let hostname = ProcessInfo.processInfo.hostName
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") } ?? ""
    return String(SHA256.hex("\(hostname)\n\(model)").prefix(16))
  }
}

public enum CalibrationError: Error, Sendable, Equatable {
  case noLpj(version: String, log: String)
}

extension CalibrationError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .noLpj(let version, let log):
      return "Booting kernel \(version) to measure lpj did not print an lpj value. Last console output:\n\(log)"
    }
  }

  public var recoverySuggestion: String? {
    "Boot without lpj= (it only costs time), and check the console output above for why the guest did not come up."
  }
}
