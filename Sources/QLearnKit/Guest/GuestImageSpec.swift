import Foundation

/// Everything that decides the contents of a guest's initramfs: which kernel's modules, which modules, which tools.
public struct GuestImageSpec: Sendable, Hashable {
  public var kernel: Kernel
  /// Module names the lesson's devices need (`nvme`, `virtio_net`, ...); dashes and underscores are equivalent.
  public var modules: [String]
  /// Host programs the lesson uses in the guest (`lspci`, `nvme`, `mkfs.ext4`), copied with their libraries.
  public var tools: [String]
  /// Whether to include and start qemu-ga on the second serial port (grading needs it).
  public var guestAgent: Bool
  /// When set, the initramfs only loads the modules and hands over to the learner's own root file system on this
  /// device (`switch_root`), as the tutorial boots a disk image; that system brings its own qemu-ga.
  public var switchRoot: String?

  public init(kernel: Kernel, modules: [String], tools: [String], guestAgent: Bool = true, switchRoot: String? = nil) {
    self.kernel = kernel
    self.modules = modules
    self.tools = tools
    self.guestAgent = guestAgent
    self.switchRoot = switchRoot
  }
}

/// How the initramfs is compressed. The kernel must be built with the matching `CONFIG_RD_*`.
public enum InitramfsCompression: String, Sendable, Hashable, CaseIterable {
  /// Plain cpio: largest file, but the kernel copies it instead of inflating it.
  case none
  /// gzip: every kernel supports it.
  case gzip
}
