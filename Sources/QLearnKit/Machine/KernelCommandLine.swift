/// The guest kernel's command line, built here and nowhere else: sessions, lpj calibration and the boot tests all take
/// their words from ``words(for:accelerator:lpj:quiet:)``.
///
/// The TCG-only words never reach a KVM guest: `lpj=` is measured under TCG (a KVM guest calibrates its own delay loop
/// from the TSC), and `noapictimer` and the skipped initcalls only pay where every tick and self-test is emulated.
public enum KernelCommandLine {
  /// Initcalls that only test or register what no lesson uses, and cost most under TCG on Debian's 6.12
  /// (initcall_debug: 75, 63 and 39 ms): the KDF self-test, the jitter entropy RNG's health test and registration (the
  /// kernel's DRBG then seeds without it), and the "encrypted" key type. The log says "blacklisting initcall" for each.
  /// `Benchmarks/compare-start.sh 9` with and without: 6.12 1.47 s against 1.74 s, 6.1 1.21 s against 1.35 s.
  static let tcgSkippedInitcalls = ["crypto_kdf108_init", "jent_mod_init", "init_encrypted"]

  /// qlearn's words for `machine` under `accelerator`; the lesson's own ``Machine/kernelArguments`` follow them in
  /// ``QEMUCommandLine``.
  public static func words(
    for machine: Machine, accelerator: BootPlan.Accelerator, lpj: Int?, quiet: Bool = true
  ) -> [String] {
    words(
      accelerator: accelerator, lpj: lpj, quiet: quiet,
      legacyInterrupts: machine.devices.contains { $0.kind.legacyInterrupts })
  }

  /// The serial console plus the words that shorten a boot.
  ///
  /// `lpj=` skips the delay-loop calibration; `cryptomgr.notests` skips the crypto self-tests (one boot in ~320 hung
  /// in them); `tsc=reliable no_timer_check` stop the kernel second-guessing TCG's clocks; `i8042.*` skip probing a
  /// keyboard nobody types on; `rodata=off` saves the page-table split; `panic=-1` with `-no-reboot` makes a panic end
  /// QEMU instead of hanging.
  /// - Parameters:
  ///   - lpj: the measured delay-loop constant; dropped unless `accelerator` is TCG, where it was measured.
  ///   - quiet: false only where the boot log itself is read (lpj calibration reads its `lpj=` line).
  ///   - legacyInterrupts: a declared device needs PCI INTx routing, so ACPI must keep doing it.
  ///   - accelerator: under TCG ``tcgSkippedInitcalls`` go and `noapictimer` pays: calibrating the local APIC timer
  ///     waits 100 ms of wall time against the PIT, and every per-CPU tick is an emulated interrupt.
  ///     `qlearn start nvme-queues --detach`, 11 interleaved runs each: 1.34 s median with it, 1.42 s without;
  ///     `Benchmarks/grading.sh` showed no steady cost. The PIT's tick is broadcast instead: `/proc/interrupts` counts
  ///     it on IRQ 0 ("timer") and `LOC` stays 0 on CPU 0. Measured and left out: booting fewer CPUs (`maxcpus=2`,
  ///     the rest onlined by `/init` before the drivers probe), skipping init_kprobe_trace too, stripping module
  ///     signatures and BTF: no gain.
  public static func words(
    accelerator: BootPlan.Accelerator, lpj: Int?, quiet: Bool = true, legacyInterrupts: Bool = true
  ) -> [String] {
    let tcg = accelerator == .tcg
    var words = ["console=ttyS0"]
    if tcg, let lpj { words.append("lpj=\(lpj)") }
    words += ["cryptomgr.notests", "tsc=reliable", "no_timer_check", "i8042.noaux", "i8042.nokbd", "rodata=off"]
    if !legacyInterrupts { words.append("acpi=noirq") }
    if tcg { words += ["noapictimer", "initcall_blacklist=\(tcgSkippedInitcalls.joined(separator: ","))"] }
    if quiet { words.append("quiet") }
    words.append("panic=-1")
    return words
  }
}
