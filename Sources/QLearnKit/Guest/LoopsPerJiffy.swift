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
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-lpj-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try Paths.ensureDirectory(folder)
    defer { try? FileManager.default.removeItem(at: folder) }
    let qemu = try QEMUConsole(argv: commandLine(kernel: kernel, initramfs: initramfs, folder: folder))
    defer { qemu.terminate() }
    guard qemu.waitFor(InitScript.readyLine, timeout: 120), let value = parse(kernelLog: qemu.output) else {
      throw CalibrationError.noLpj(version: kernel.version, log: String(qemu.output.suffix(1500)))
    }
    try Paths.ensureDirectory(file.deletingLastPathComponent())
    try Data("\(value)\n".utf8).write(to: file, options: .atomic)
    return value
  }

  /// The calibration boot's QEMU command line: a default machine booting as a session's would under TCG (same
  /// builder, same kernel words), except that the kernel is not quiet (its log carries `lpj=`) and the console is on
  /// stdio. `folder` holds the sockets QEMU opens for the agent and monitors, which nothing connects to.
  static func commandLine(kernel: Kernel, initramfs: URL, folder: URL) -> [String] {
    let machine = Machine()
    var plan = BootPlan(
      accelerator: .tcg, kernel: kernel.fastBootImage, initrd: initramfs,
      kernelArguments: KernelCommandLine.words(for: machine, accelerator: .tcg, lpj: nil, quiet: false),
      sessionDirectory: folder, qbootImage: BootPlan.installedQboot)
    plan.consoleOnStdio = true
    return QEMUCommandLine.arguments(for: machine, plan: plan)
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
