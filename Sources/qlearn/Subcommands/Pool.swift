import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Pool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The warm pool: lesson VMs booted ahead and paused, so `qlearn start` does not wait for a boot.",
      discussion: """
        A pooled VM is booted, then paused (it uses no CPU, only memory) until `qlearn start` of its lesson adopts \
        it, resumes it and sets its clock; the pool then boots a replacement in the background. `qlearn show` on a \
        terminal fills the pool for the lesson being read, and finishing a lesson's last step for the next lesson in \
        course order. A pooled VM is only adopted by a start that would boot exactly the same \
        machine: one whose lesson file, kernel, initramfs or options changed is discarded.

        Its size: \(WarmPool.sizeVariable) VMs per lesson (default 1; 0 turns the pool off). Its memory: at most \
        \(PoolBudget.defaultShare) % of the host's available memory by default (MemAvailable plus what the pool \
        holds); --budget or \(PoolBudget.environmentVariable) sets a size (2G) or a share (40%). A fill that would \
        pass it is refused, saying why. \(WarmPool.refillVariable)=0 stops the refill after an adoption.

        Examples:
          qlearn pool
          qlearn pool fill nvme-queues scsi-addressing
          qlearn pool drain
        """,
      subcommands: [PoolList.self, PoolFill.self, PoolDrain.self],
      defaultSubcommand: PoolList.self)
  }

  struct PoolList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Show the pooled VMs.")

    @OptionGroup var course: CourseOptions

    @Option(help: ArgumentHelp("The memory budget to show: a size (2G) or a share of available memory (40%).", valueName: "budget"))
    var budget: String?

    func run() async throws {
      let pool = WarmPool(paths: course.paths)
      var rows: [[String]] = [["LESSON", "STATE", "ACCEL", "KERNEL", "MEMORY", "SINCE"]]
      for slot in pool.slots() where slot.isAlive {
        rows.append([
          slot.ticket.lesson, slot.ticket.state.rawValue, slot.ticket.accelerator ?? "-", slot.ticket.kernel ?? "-",
          PoolBudget.format(slot.heldBytes), WarmPool.age(slot.ticket.pausedAt ?? slot.ticket.createdAt),
        ])
      }
      let (held, limit) = try pool.budget(budget ?? WarmPool.configuredBudget())
      print(rows.count == 1 ? "The warm pool is empty. `qlearn pool fill <lesson>` boots one." : Table.render(rows))
      print("Memory: \(PoolBudget.format(held)) of \(PoolBudget.format(limit.bytes)) (\(limit.origin)); \(WarmPool.configuredSize()) VM(s) per lesson.")
    }
  }

  struct PoolFill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fill", abstract: "Boot and pause VMs of these lessons, up to the pool's size and budget.")

    @Argument(help: "Lesson ids.")
    var lessons: [String]

    @Option(help: ArgumentHelp("VMs to keep per lesson (default: $\(WarmPool.sizeVariable), else 1).", valueName: "n"))
    var size: Int?

    @Option(help: ArgumentHelp("Memory budget: a size (2G) or a share of available memory (40%).", valueName: "budget"))
    var budget: String?

    @Flag(help: "Say nothing unless something fails (for the background fills).")
    var quiet = false

    @OptionGroup var boot: BootOptions
    @OptionGroup var course: CourseOptions

    func run() async throws {
      let catalog = course.course()
      let limits = PoolLimits(size: size ?? WarmPool.configuredSize(), budget: budget ?? WarmPool.configuredBudget())
      var failure: Error?
      for id in lessons {
        let lesson = try course.lesson(id, in: catalog)
        let quiet = self.quiet
        let pool = WarmPool(paths: course.paths, report: { event in
          if !quiet, case .note(let text) = event { printError("qlearn: \(text)") }
        })
        for _ in 0..<limits.size {
          do {
            let started = ContinuousClock.now
            try await pool.fill(lesson, options: try boot.launchOptions(), limits: limits)
            if !quiet {
              print("\(lesson.id): booted and paused in the pool (\(String(format: "%.2f", (ContinuousClock.now - started).secondsValue)) s).")
            }
          } catch PoolError.full(_, let count) {
            if !quiet { print("\(lesson.id): the pool holds \(count) (its size is \(limits.size)).") }
            break
          } catch {
            failure = error
            break
          }
        }
      }
      if let failure { throw failure }
    }
  }

  struct PoolDrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain", abstract: "Stop every pooled VM (or those of one lesson).")

    @Argument(help: "Only this lesson's.")
    var lesson: String?

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let count = await WarmPool(paths: course.paths).drain(lesson: lesson)
      print(count == 0 ? "The warm pool was empty." : "Stopped \(count) pooled VM\(count == 1 ? "" : "s").")
    }
  }
}

/// Background fills: a detached `qlearn pool fill --quiet`, so the command that asks for it never waits.
enum PoolRefill {
  static func start(_ lessons: [String], boot: BootOptions? = nil, course: CourseOptions) {
    guard WarmPool.configuredSize() > 0, !lessons.isEmpty, let executable = try? WarmPool.executable() else { return }
    var argv = [executable, "pool", "fill", "--quiet"] + lessons
    for folder in course.lessonDirectories { argv += ["--lessons", URL(fileURLWithPath: folder).path] }
    if let dataDir = course.dataDir { argv += ["--data-dir", dataDir] }
    if let boot {
      argv += ["--accel", boot.accel.rawValue]
      if let version = boot.kernelVersion { argv += ["--kernel-version", version] }
      if let kernel = boot.kernel { argv += ["--kernel", URL(fileURLWithPath: kernel).path] }
      if let modules = boot.modules { argv += ["--modules", URL(fileURLWithPath: modules).path] }
      if let timeout = boot.bootTimeout { argv += ["--boot-timeout", String(timeout)] }
      if boot.allowNetwork { argv += ["--allow-network"] }
      if boot.bootImage != nil || !boot.vfioDevice.isEmpty { return }
    }
    _ = try? Spawn.run(argv, newSession: true)
  }

  /// After the last step of `lesson`: the next lesson in course order boots while the learner reads it. The lesson's own
  /// folder comes first, so a lesson from `--lessons` finds its course.
  static func nextLesson(after lesson: Lesson) {
    let folder = URL(fileURLWithPath: lesson.file).deletingLastPathComponent()
    let lessons = Course(paths: [folder] + Course.defaultDirectories()).lessons
    guard let index = lessons.firstIndex(where: { $0.id == lesson.id }), index + 1 < lessons.count,
      WarmPool.configuredSize() > 0, let executable = try? WarmPool.executable()
    else { return }
    _ = try? Spawn.run([executable, "pool", "fill", "--quiet", "--lessons", folder.path, lessons[index + 1].id], newSession: true)
  }
}
