import Foundation

/// What the learner chose on the command line about how to boot.
public struct LaunchOptions: Sendable {
  public var accelerator: AcceleratorChoice.Request = .auto
  public var kernel: URL?
  public var modules: URL?
  public var kernelVersion: String?
  /// How long one boot may take to reach the guest agent; nil: 30 s for qlearn's initramfs (its TCG boots take 1 to 4 s
  /// here), 120 s for a learner's own disk image, which boots a whole distribution.
  public var bootTimeout: Duration?
  /// Boots to try before giving up. Under TCG a boot rarely hangs before the kernel prints anything; booting again
  /// tells such a boot from a machine that cannot boot.
  public var bootAttempts = 2

  /// The timeout that applies to one boot.
  public var effectiveBootTimeout: Duration { bootTimeout ?? (bootImage == nil ? .seconds(30) : .seconds(120)) }
  /// Boot the learner's own disk image instead of qlearn's initramfs userland (the tutorial's own setup). The image
  /// must have qemu-guest-agent installed; its root file system is on `rootDevice`.
  public var bootImage: URL?
  public var rootDevice = "/dev/sda1"
  /// Host devices (`0000:01:00.0`) for the lesson's `vfio-pci` devices, in order; empty takes those bound to vfio-pci.
  public var vfioDevices: [String] = []
  /// The learner consents to a lesson's `requires: [network]` (remembered per lesson version by ``NetworkConsent``).
  public var allowNetwork = false

  public init() {}
}
