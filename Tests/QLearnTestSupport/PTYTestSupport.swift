import Foundation

import QLearnKit

/// Opens a pseudo-terminal pair for tests that need a real tty.
///
/// posix_openpt/grantpt/unlockpt/ptsname are hidden behind _XOPEN_SOURCE in Swift's Glibc module; these are the Linux
/// ioctls they wrap (TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN = _IOR('T', 0x30, unsigned int)).
public func openPseudoTerminal() throws -> (primary: Int32, secondary: Int32) {
  let primary = try syscall("open", "/dev/ptmx") { open("/dev/ptmx", O_RDWR | O_NOCTTY) }
  var unlock: Int32 = 0
  try syscall("ioctl", "TIOCSPTLCK") { ioctl(primary, UInt(0x4004_5431), &unlock) }
  var number: UInt32 = 0
  try syscall("ioctl", "TIOCGPTN") { ioctl(primary, UInt(0x8004_5430), &number) }
  let name = "/dev/pts/\(number)"
  let secondary = try syscall("open", name) { open(name, O_RDWR | O_NOCTTY) }
  return (primary, secondary)
}
