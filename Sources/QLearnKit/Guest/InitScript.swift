import Foundation

/// The guest's `/init`: a busybox shell script, because the guest has no init system and needs none.
///
/// PID 1 mounts the pseudo file systems, loads the lesson's modules in dependency order, starts the hot-plug helper
/// and the guest agent, prints ``readyLine`` once, then keeps a root shell on the serial console. The shell runs in a
/// loop so that `exit` gives a new shell instead of killing PID 1 (which panics the kernel).
public enum InitScript {
  /// Printed on ttyS0 once modules are loaded and the agent started: the host waits for exactly this line.
  public static let readyLine = "qlearn: guest ready"
  /// The shell prompt, so a human and a test both recognise the guest.
  public static let prompt = "vm# "
  /// Where `/init` leaves the kernel log's length and last line just before the ready line: the first step's "since
  /// the step began" for the log, so grading never ships the boot messages over the agent's slow serial line.
  public static let bootMarkPath = "/run/qlearn-boot-mark"
  /// What `mount -a` mounts first thing; the mount points are directories in the image.
  public static let fstab = """
    proc /proc proc defaults 0 0
    sysfs /sys sysfs defaults 0 0
    devtmpfs /dev devtmpfs defaults 0 0
    tmpfs /run tmpfs defaults 0 0
    tmpfs /tmp tmpfs defaults 0 0

    """

  /// - Parameters:
  ///   - moduleDirectory: `/lib/modules/<version>` inside the guest.
  ///   - modules: paths relative to it, in load order.
  ///   - switchRoot: a block device holding the learner's own root file system: mount it and hand over to its init.
  public static func text(
    moduleDirectory: String, modules: [String], guestAgent: Bool, switchRoot: String? = nil
  ) -> String {
    var lines = [
      "#!/bin/sh",
      "# qlearn guest init: generated, do not edit (the image is rebuilt when this text changes).",
      "export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=linux PS1='\(prompt)'",
      "# /etc/fstab names proc, sysfs, devtmpfs, /run and /tmp: one process instead of five (each is a fork under TCG).",
      "mount -a",
    ]
    // What the agent and the lesson's first commands do not need waits until after the ready line: under TCG every
    // busybox command is a fork and exec of a 2 MB binary, a few milliseconds each.
    let late = [
      "mkdir -p /dev/pts /dev/shm",
      "mount -t devpts devpts /dev/pts",
      "ln -s /proc/self/fd /dev/fd",
      "hostname vm",
      "ip link set lo up 2>/dev/null",
    ]
    if let switchRoot {
      return (lines + late + loadModules(moduleDirectory: moduleDirectory, modules: modules) + [
        "# The learner's own system: wait for its disk, then hand over to its init (it starts its own qemu-ga).",
        "mkdir -p /newroot",
        "for i in $(seq 100); do [ -b \(shellQuote(switchRoot)) ] && break; sleep 0.1; done",
        "mount \(shellQuote(switchRoot)) /newroot || { echo 'qlearn: cannot mount \(switchRoot)' > /dev/ttyS0; exec sh; }",
        "umount /run /tmp /dev/pts 2>/dev/null",
        "mount --move /dev /newroot/dev 2>/dev/null",
        "umount /proc /sys",
        "exec switch_root /newroot /sbin/init",
      ]).joined(separator: "\n") + "\n"
    }
    if guestAgent {
      // Started before the modules load: the agent only needs ttyS1, and its start-up (dynamic linking under TCG,
      // about 0.25 s) then overlaps with the drivers' probing instead of following it. A supervising loop restarts it
      // when it dies (a learner's `killall`, the OOM killer): grading then waits seconds, not for ever.
      lines += agentSupervisor
    }
    lines += loadModules(moduleDirectory: moduleDirectory, modules: modules)
    lines += [
      "# The log's mark, written in the background; the grader waits for it while \(bootMarkPath).new exists, which",
      "# the shell creates itself (a builtin, no fork) before the ready line, so there is no moment with neither file.",
      ": > \(bootMarkPath).new",
      "(dmesg | sed -n '$=;$p' > \(bootMarkPath).new && mv \(bootMarkPath).new \(bootMarkPath)) &",
      "echo '\(readyLine)' > /dev/ttyS0",
    ] + late + [
      "# Hot-added devices: the kernel has no uevent helper, so mdev listens on netlink and modprobes by modalias.",
      "# After the ready line, because its initial scan of /sys takes about 50 ms under TCG; it binds its netlink",
      "# socket before that scan, so nothing plugged in meanwhile is missed.",
      "mdev -d",
      "cd /root",
      "while true; do",
      "  setsid cttyhack /bin/sh -i",
      "  echo 'qlearn: shell exited; starting a new one' > /dev/ttyS0",
      "done",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// The guest agent under a loop that restarts it a second after it exits, saying so on the console. The loop and the
  /// agent are exempt from the OOM killer (`oom_score_adj` -1000, inherited), so memory exercises do not take grading
  /// down with them; a learner who kills the agent gets it back.
  static let agentSupervisor = [
    "(",
    "  echo -1000 > /proc/self/oom_score_adj",
    "  while true; do",
    "    qemu-ga -m isa-serial -p /dev/ttyS1 -t /run >> /run/qemu-ga.log 2>&1",
    "    echo \"qlearn: the guest agent exited (status $?); restarting it\" > /dev/ttyS0",
    "    sleep 1",
    "  done",
    ") &",
  ]

  static func loadModules(moduleDirectory: String, modules: [String]) -> [String] {
    guard !modules.isEmpty else { return [] }
    // insmod by path in the order the host resolved: no modules.dep parsing at boot, and a failure names the file.
    // Autoloading is off meanwhile: a module that asks for an optional helper (crc-t10dif and crc64-rocksoft ask
    // for crypto drivers the image does not carry) would otherwise start /sbin/modprobe twice per request and wait
    // for it, about 60 ms for the NVMe stack under TCG; the request now fails at once and the module uses its
    // built-in fallback, as it did when modprobe found nothing. Hot-plug and the learner get modprobe back below.
    return [
      "echo > /proc/sys/kernel/modprobe",
      "for m in \(modules.map(shellQuote).joined(separator: " ")); do",
      "  insmod \(moduleDirectory)/$m || echo \"qlearn: could not load $m\" > /dev/ttyS0",
      "done",
      "echo /sbin/modprobe > /proc/sys/kernel/modprobe",
    ]
  }

  static func shellQuote(_ word: String) -> String {
    word.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) }
      ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
