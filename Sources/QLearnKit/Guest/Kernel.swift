import Foundation

/// A Linux kernel a lesson's guest can boot, with the module tree built for it.
public struct Kernel: Sendable, Hashable {
  /// Where a kernel came from, so `qlearn kernels` can say it and errors can point at the right fix.
  public enum Source: Sendable, Hashable, CustomStringConvertible {
    /// Given on the command line (`--kernel`, `--modules`).
    case explicit
    /// The host's own `/boot/vmlinuz-$(uname -r)`.
    case host
    /// Fetched from Debian's archive: the package name.
    case debianPackage(String)

    public var description: String {
      switch self {
      case .explicit: return "explicit"
      case .host: return "host"
      case .debianPackage(let name): return "debian:\(name)"
      }
    }
  }

  /// The kernel release string (`uname -r` in the guest), which is also the `lib/modules/<version>` directory name.
  public var version: String
  /// The bzImage. Kept because S3 suspend/resume only works when booted through it (the PVH entry loops on resume).
  public var image: URL
  /// The uncompressed ELF with a PVH note: QEMU enters it directly and skips the decompressor, about 2 s faster under TCG.
  public var vmlinux: URL?
  /// The directory that contains `lib/modules/<version>` (an `INSTALL_MOD_PATH` tree).
  public var modulesRoot: URL
  public var source: Source

  public init(version: String, image: URL, vmlinux: URL?, modulesRoot: URL, source: Source) {
    self.version = version
    self.image = image
    self.vmlinux = vmlinux
    self.modulesRoot = modulesRoot
    self.source = source
  }

  /// `<modulesRoot>/lib/modules/<version>`.
  public var modulesDirectory: URL {
    modulesRoot.appendingPathComponent("lib/modules/\(version)", isDirectory: true)
  }

  /// The image to pass to `-kernel` when nothing needs the bzImage: the vmlinux if there is one.
  public var fastBootImage: URL { vmlinux ?? image }
}

/// A kernel `qlearn kernels` can list: cached, the host's, or installable from Debian.
public struct KernelCandidate: Sendable, Hashable {
  public var version: String
  public var source: Kernel.Source
  /// True when it is ready to boot without fetching anything.
  public var isCached: Bool
  /// Download size in bytes for a package not yet cached, when apt knows it.
  public var downloadSize: Int?

  public init(version: String, source: Kernel.Source, isCached: Bool, downloadSize: Int? = nil) {
    self.version = version
    self.source = source
    self.isCached = isCached
    self.downloadSize = downloadSize
  }
}

public enum KernelError: Error, Sendable, Equatable {
  case explicitKernelMissing(path: String)
  case explicitModulesMissing(kernel: String)
  case modulesDirectoryMissing(path: String, version: String)
  case unknownVersion(path: String)
  case noPayload(path: String)
  case notELF(path: String)
  case noDebianPackage(version: String)
  case packageLayout(package: String, detail: String)
}

extension KernelError: LocalizedError {
  public var errorDescription: String? {
    switch self {
    case .explicitKernelMissing(let path):
      return "No kernel at \(path): expected a bzImage file or a build tree with arch/x86/boot/bzImage."
    case .explicitModulesMissing(let kernel):
      return "The kernel \(kernel) was given without --modules, so the guest would have no modules to load."
    case .modulesDirectoryMissing(let path, let version):
      return "The modules tree \(path) has no lib/modules/\(version)."
    case .unknownVersion(let path):
      return "Cannot tell the release of the kernel \(path): its setup header has no version string."
    case .noPayload(let path):
      return "\(path) holds no xz, zstd or gzip payload, so no vmlinux could be extracted from it."
    case .notELF(let path):
      return "The payload extracted from \(path) is not an ELF file."
    case .noDebianPackage(let version):
      return "No installable Debian package linux-image-\(version)*-amd64 was found with apt-cache."
    case .packageLayout(let package, let detail):
      return "The package \(package) does not look like a Debian kernel package: \(detail)."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .explicitKernelMissing:
      return "Pass --kernel <bzImage> or --kernel <linux build dir> after `make bzImage`."
    case .explicitModulesMissing:
      return "Run `make modules_install INSTALL_MOD_PATH=<dir>` and pass --modules <dir>."
    case .modulesDirectoryMissing:
      return "Pass the INSTALL_MOD_PATH directory (the one containing lib/), built from the same tree as the kernel."
    case .unknownVersion:
      return "Use a bzImage built by Linux's own Makefile, or a build tree with include/config/kernel.release."
    case .noPayload, .notELF:
      return "Pass a build tree that contains vmlinux instead, or use the bzImage as is."
    case .noDebianPackage:
      return "Run `apt-get update`, or list what is available with `qlearn kernels`, and ask for one of those versions."
    case .packageLayout:
      return "Remove the kernel's directory from the qlearn cache and try again; report it if it persists."
    }
  }
}
