import Foundation

/// The host side of one boot: everything qlearn chose that the lesson must not (paths, sockets, kernel, accelerator).
public struct BootPlan: Sendable, Equatable {
  public enum Accelerator: String, Sendable, CaseIterable { case kvm, tcg }

  public var accelerator: Accelerator
  /// The kernel to boot: an uncompressed vmlinux (PVH entry, fastest) or a bzImage.
  public var kernel: URL
  public var initrd: URL?
  public var kernelArguments: [String]
  /// Per-session folder holding sockets, disk images, memory backend files and logs.
  public var sessionDirectory: URL
  /// qboot's image, used when the lesson's firmware is qboot (SeaBIOS is QEMU's default and needs none); nil when
  /// qboot is not installed, which falls back to SeaBIOS.
  public var qbootImage: URL?
  /// Names of the tap interfaces qlearn created or lets QEMU create, by netdev id.
  public var tapNames: [String: String]
  public var qemuBinary: String
  /// The learner's own disk image as the first IDE disk (the tutorial's `-hda boot.qcow2`), with its format; its
  /// system runs qemu-ga on the standard virtio-serial port instead of qlearn's second serial port.
  public var bootImage: BootImage?
  /// Whether user-mode netdevs may reach past QEMU (the host's services, the internet): only for a lesson that
  /// declares `requires: [network]` and whose learner consented. Otherwise they are built with `restrict=on`.
  public var networkAllowed = false
  /// Host PCI addresses for the machine's `vfio-pci` devices, in declaration order (``VFIOHost/assign(to:chosen:bound:)``).
  public var vfioHosts: [String] = []
  /// The first serial port on QEMU's stdin/stdout instead of the session's console socket: for ``QEMUConsole``,
  /// which boots a guest only to read its console (lpj calibration).
  public var consoleOnStdio = false

  public struct BootImage: Sendable, Equatable {
    public var url: URL
    /// `qcow2` or `raw`, from `qemu-img info`.
    public var format: String
  }

  public init(
    accelerator: Accelerator, kernel: URL, initrd: URL?, kernelArguments: [String], sessionDirectory: URL,
    qbootImage: URL?, tapNames: [String: String] = [:], qemuBinary: String = QEMUCapabilities.defaultBinary
  ) {
    self.accelerator = accelerator
    self.kernel = kernel
    self.initrd = initrd
    self.kernelArguments = kernelArguments
    self.sessionDirectory = sessionDirectory
    self.qbootImage = qbootImage
    self.tapNames = tapNames
    self.qemuBinary = qemuBinary
  }

  /// A tap interface name of this session's own (`ql3f2a-tapnet`), so that a learner's VM and `qlearn verify` of the
  /// same lesson never fight over one interface; Linux allows 15 characters.
  public static func tapName(netdev: String, session: URL) -> String {
    "ql" + SHA256.hex(session.path + "\n" + netdev).prefix(4) + "-" + netdev.prefix(8)
  }

  /// The files of the session folder.
  public var layout: SessionLayout { SessionLayout(folder: sessionDirectory) }

  /// qboot's image when it is installed (Debian's qemu-system-x86 ships it), for ``qbootImage``.
  public static var installedQboot: URL? {
    let url = URL(fileURLWithPath: "/usr/share/qemu/qboot.rom")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }
}
