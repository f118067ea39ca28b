import Foundation
import QLearnKit

/// A boot plan with fixed paths, for tests of the QEMU command line built from it.
public let sampleBootPlan = BootPlan(
  accelerator: .tcg, kernel: URL(fileURLWithPath: "/cache/vmlinux"), initrd: URL(fileURLWithPath: "/cache/i.cpio"),
  kernelArguments: ["console=ttyS0"], sessionDirectory: URL(fileURLWithPath: "/run/s"),
  qbootImage: URL(fileURLWithPath: "/usr/share/qemu/qboot.rom"), tapNames: ["t0": "qltap0"])
