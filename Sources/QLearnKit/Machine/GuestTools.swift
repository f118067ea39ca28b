/// Host programs a lesson may ask to have in its guest (`machine.tools`), copied with their shared libraries into the
/// initramfs. A lesson names a tool, never a host path: qlearn finds the program itself, and only these.
/// The guest always has busybox (sh, ls, cat, grep, dd, taskset, mount, modprobe, mdev...) and qemu-ga.
public enum GuestTools {
  /// Tool name -> Debian package that provides it (for the message when it is missing on the host).
  public static let catalog: [String: String] = [
    "lspci": "pciutils", "setpci": "pciutils",
    "ndctl": "ndctl", "daxctl": "ndctl",
    "nvme": "nvme-cli",
    "ethtool": "ethtool",
    "mkfs.ext4": "e2fsprogs", "fsck.ext4": "e2fsprogs", "e2fsck": "e2fsprogs", "dumpe2fs": "e2fsprogs",
    "lscpu": "util-linux", "lsblk": "util-linux", "blkdiscard": "util-linux", "chcpu": "util-linux",
    "numactl": "numactl",
  ]
}
