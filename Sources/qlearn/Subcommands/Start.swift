import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Boot a lesson's VM and attach to its console.",
      discussion: """
        qlearn fetches a kernel on first use, builds a small initramfs with exactly the modules and tools the lesson \
        needs (cached), creates the lesson's disks, and boots QEMU with the declared devices. It then attaches your \
        terminal to the guest's serial console, where you are root.

        On the console, Ctrl-] is the escape key: Ctrl-] d detaches (the VM keeps running; `qlearn attach` comes \
        back), Ctrl-] m opens the QEMU monitor, Ctrl-] ? shows help, Ctrl-] Ctrl-] sends a literal Ctrl-].

        Examples:
          qlearn start nvme-queues
          qlearn start nvme-queues --detach && qlearn exec -- cat /proc/interrupts
          qlearn start nvme-queues --kernel ~/linux --modules ~/linux-modules
          qlearn start nvme-queues --kernel-version 6.12 --accel tcg
        """)

    @Argument(help: "The lesson id (see `qlearn list`).")
    var lesson: String

    @Flag(help: "Return as soon as the guest agent answers, leaving the VM running (for scripts and tests).")
    var detach = false

    @Flag(
      help: """
        Begin at step 1 on a fresh machine. Without it, a lesson you have progressed in resumes at your first step not passed, with the earlier steps' reference solutions applied to the new VM.
        """)
    var fresh = false

    @OptionGroup var boot: BootOptions
    @OptionGroup var course: CourseOptions

    func run() async throws {
      // A reader that goes away (`qlearn start X --detach 2>&1 | head -1`) must not kill qlearn mid-boot: the boot
      // guard would then take the VM down. Writes to a closed pipe just fail; the VM boots and stays.
      signal(SIGPIPE, SIG_IGN)
      let lesson = try course.lesson(self.lesson, in: course.course())
      let display = BootDisplay(lesson: lesson.id)
      let launcher = SessionLauncher(paths: course.paths, report: { display.show($0) })
      let running = try await launcher.start(lesson, options: try boot.launchOptions())
      if running.adopted, WarmPool.refillsAfterAdoption() { PoolRefill.start([lesson.id], boot: boot, course: course) }
      let loaded = GradingContext.load(lesson, course: course)
      await warnAboutGuestRequirements(running.directory, loaded)
      if case .blocked(let why)? = await StepCheckpoints.takeAtBoot(running.directory, lesson: lesson) {
        printError("note: QEMU cannot save this machine (\(why)), so `qlearn reset --step` boots it afresh and replays the steps before.")
      }
      if !fresh { try await resume(running.directory, loaded) }
      if detach {
        print("\(lesson.id) is running (\(running.record.accelerator.uppercased()), kernel \(running.record.kernel)).")
        print("  qlearn attach \(lesson.id)    the guest console")
        print("  qlearn exec -- <command>    run a command in the guest")
        print("  qlearn monitor \(lesson.id)   the QEMU monitor")
        print("  qlearn stop \(lesson.id)      shut it down")
        return
      }
      try await ConsoleSession(directory: running.directory, course: course, lesson: loaded).run()
    }

    /// A lesson the learner has progressed in: the new VM is brought to the first step not passed, applying the
    /// reference solutions of the steps before it, one line per step.
    private func resume(_ directory: SessionDirectory, _ lesson: LoadedLesson?) async throws {
      let session = try GradingContext.open(directory: directory, lesson: lesson, course: course)
      guard let store = session.store, let target = try StepReplay.resumePoint(session.lesson, store: store) else { return }
      let steps = Array(session.lesson.steps.prefix { $0.id != target.id })
      printError(
        "Resuming \(session.lesson.id) at step \(GradingOutput.number(target, in: session.lesson)): applying the reference "
          + "solutions of the \(steps.count) step(s) before it (`--fresh` starts over at step 1).")
      let count = session.lesson.steps.count
      do {
        try await StepReplay(session: session).apply(steps, then: target) { step, number, seconds, done in
          printError("  step \(number)/\(count) \(step.id): " + (done ? "already done" : "applied") + " (" + String(format: "%.1f", seconds) + " s)")
        }
        printError("Ready at step \(GradingOutput.number(target, in: session.lesson)): \(GradingOutput.safe(target.title)).")
      } catch {
        printError(
          "warning: could not bring the VM to step \(target.id): \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
        printError("The VM stays on the step that failed; `qlearn stop` and `qlearn start --fresh` start over.")
      }
      await session.live.close()
    }

    /// The VM is up either way; a learner whose kernel cannot do the lesson should hear it now, not after the steps fail.
    private func warnAboutGuestRequirements(_ directory: SessionDirectory, _ lesson: LoadedLesson?) async {
      guard
        let session = try? GradingContext.open(
          directory: directory, lesson: lesson, course: course, recordProgress: false),
        !session.lesson.guestRequires.isEmpty
      else { return }
      do {
        for unmet in try await session.unmetGuestRequirements() {
          printError("warning: this VM cannot do the lesson: \(TerminalSafe.line(unmet.explanation))")
        }
      } catch {
        printError("warning: could not check what the lesson needs from the guest: \(error.localizedDescription)")
      }
    }
  }
}

/// How to boot: accelerator, kernel, timeout. Shared by the commands that boot.
struct BootOptions: ParsableArguments {
  @Option(help: "auto (KVM if it works, else TCG), kvm, or tcg.")
  var accel: AcceleratorChoice.Request = .auto

  @Option(help: ArgumentHelp("Boot this kernel: a bzImage/vmlinux, or a kernel build tree.", valueName: "path"))
  var kernel: String?

  @Option(help: ArgumentHelp("Modules for --kernel: an INSTALL_MOD_PATH tree.", valueName: "dir"))
  var modules: String?

  @Option(help: ArgumentHelp("A Debian kernel version to use, e.g. 6.1 or 6.12 (see `qlearn kernels`).", valueName: "version"))
  var kernelVersion: String?

  @Option(
    help: ArgumentHelp(
      "Seconds one boot may take to reach the guest agent (default: 30, or 120 with --boot-image); a boot that hangs is tried once more.",
      valueName: "seconds"))
  var bootTimeout: Int?

  @Option(
    help: ArgumentHelp(
      "Boot your own disk image as the tutorial does (-hda boot.qcow2); it must have qemu-guest-agent installed.",
      valueName: "image"))
  var bootImage: String?

  @Option(help: ArgumentHelp("The root file system's device in --boot-image.", valueName: "device"))
  var root: String = "/dev/sda1"

  @Option(
    help: ArgumentHelp(
      "A host PCI device bound to vfio-pci for the lesson's passthrough (repeatable; default: the bound ones).",
      valueName: "0000:BB:DD.F"))
  var vfioDevice: [String] = []

  @Flag(
    help: ArgumentHelp(
      "Consent to a lesson that declares requires: [network]: its guest, and the checks run there, may reach your "
        + "computer's services (10.0.2.2 is your host's loopback) and the internet. Remembered for that version of "
        + "the lesson. Without it (and for every other lesson) QEMU's user network is restricted to the guest."))
  var allowNetwork = false

  func validate() throws {
    if modules != nil && kernel == nil { throw ValidationError("--modules goes with --kernel.") }
    if kernel != nil && kernelVersion != nil { throw ValidationError("Give --kernel or --kernel-version, not both.") }
    if let bootTimeout, bootTimeout < 1 { throw ValidationError("--boot-timeout must be at least 1 second.") }
    if !root.hasPrefix("/dev/") || root.count > 64
      || !root.dropFirst(5).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_-".contains($0)) })
    {
      throw ValidationError("--root must be a device such as /dev/sda1.")
    }
    for address in vfioDevice where !VFIOHost.isValidAddress(address) {
      throw ValidationError("--vfio-device takes a PCI address such as 0000:01:00.0, not '\(address)'.")
    }
  }

  func launchOptions() throws -> LaunchOptions {
    var options = LaunchOptions()
    options.accelerator = accel
    options.kernel = kernel.map { URL(fileURLWithPath: $0) }
    options.modules = modules.map { URL(fileURLWithPath: $0) }
    options.kernelVersion = kernelVersion
    options.bootTimeout = bootTimeout.map { .seconds($0) }
    options.bootImage = bootImage.map { URL(fileURLWithPath: $0) }
    options.rootDevice = root
    options.vfioDevices = vfioDevice
    options.allowNetwork = allowNetwork
    return options
  }
}

extension AcceleratorChoice.Request: ExpressibleByArgument {}

/// Boot progress on standard error: one line per milestone, so the learner sees where a slow boot is.
final class BootDisplay: Sendable {
  let lesson: String
  let started = ContinuousClock.now

  init(lesson: String) { self.lesson = lesson }

  func show(_ event: BootEvent) {
    let elapsed = String(format: "%5.2fs", (ContinuousClock.now - started).secondsValue)
    switch event {
    case .note(let text): printError("qlearn: \(text)")
    case .bootingAgain(let attempt, let seconds):
      printError(
        "\(elapsed)  boot \(attempt) did not reach the guest agent within \(seconds) s (under TCG a boot rarely hangs early); booting again")
    case .preparing(let what): printError("\(elapsed)  \(what)")
    case .starting(let accelerator): printError("\(elapsed)  booting \(lesson) under \(accelerator.uppercased())")
    case .qemuRunning: printError("\(elapsed)  QEMU running: firmware and kernel booting")
    case .guestUp: printError("\(elapsed)  drivers loaded, guest up")
    case .ready(let seconds): printError("\(elapsed)  guest agent ready (boot took \(String(format: "%.2f", seconds)) s)")
    }
  }
}

extension Duration {
  var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
