import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// What the course says against what it grades: reference answers pass their own checks, the forms the kernel prints
/// are accepted, guesses are not, no answer is printed by `qlearn show` before its step, and every threshold a check
/// enforces is stated in its step's goal.
@Suite struct CourseContentTests {
  static let course = Course(paths: [Repository.lessons]).lessons

  static func lesson(_ id: String) throws -> Lesson {
    try #require(course.first { $0.id == id }, "no lesson \(id)")
  }

  /// The answer patterns of a step (answer-matches as written, answer-equals as an exact match).
  static func answerPatterns(_ step: Step) -> [String] {
    step.checks.compactMap { check in
      switch check.name {
      case "answer-matches": check.arguments["pattern"]?.scalar
      case "answer-equals": check.arguments["value"]?.scalar.map { "^" + NSRegularExpression.escapedPattern(for: $0) + "$" }
      default: nil
      }
    }
  }

  static func accepts(_ step: Step, _ answer: String) throws -> Bool {
    let patterns = answerPatterns(step)
    #expect(!patterns.isEmpty, "step \(step.id) grades no answer")
    return try patterns.allSatisfy { pattern in
      let regex = try NSRegularExpression(pattern: pattern)
      return regex.firstMatch(in: answer, range: NSRange(answer.startIndex..., in: answer)) != nil
    }
  }

  static func referenceAnswers(_ step: Step) -> [String] {
    step.solution.compactMap { if case .answer(let text) = $0 { text } else { nil } }
  }

  @Test func everyReferenceAnswerPassesItsOwnStep() throws {
    var answerSteps = 0
    for lesson in Self.course {
      for step in lesson.steps where !Self.answerPatterns(step).isEmpty {
        answerSteps += 1
        let answers = Self.referenceAnswers(step)
        #expect(answers.count == 1, "\(lesson.id)/\(step.id) has \(answers.count) reference answers")
        for answer in answers {
          #expect(try Self.accepts(step, answer), "\(lesson.id)/\(step.id) refuses its own answer \(answer)")
        }
      }
    }
    #expect(answerSteps >= 20)
  }

  /// Forms a learner copies from what the guest prints, and guesses that must not pass.
  static let forms: [(lesson: String, step: String, accepted: [String], refused: [String])] = [
    ("boot-host-kernel", "find-console", ["0x3f8", "3f8", "0x3F8", "0x03f8"], ["ttyS0", "0x2f8"]),
    ("seabios-debug", "pci-count", ["00:00.0 00:01.0 00:01.1 00:01.3", "0000:00:00.0 0000:00:01.0 0000:00:01.1 0000:00:01.3"], ["4"]),
    ("seabios-debug", "e820", ["0x1ffdffff", "0x000000001ffdffff", "1FFDFFFF"], ["2", "0x1fffffff"]),
    ("scsi-addressing", "read-address", ["0:2:1:0", "[0:2:1:0]"], ["0:0:1:0"]),
    ("virtio-net-mq", "starved-card", ["2"], ["3", "9"]),
    ("nvme-queues", "poll-queues", ["5"], ["3", "4"]),
    ("nvme-queues", "queue-arithmetic", ["2/2/4", "2/2/4 default/read/poll queues"], ["4/0/4", "2/4/2"]),
    ("nic-models", "which-driver", ["8139cp e100", "8139cp, e100"], ["vmxnet3", "8139too e100", "rtl8139 i82550"]),
    ("pci-bridges", "bus-number", ["02 01", "2 1", "0000:02 0000:01"], ["1", "01 02"]),
    ("pci-root-bus", "root-bus", ["03", "3", "0000:03", "pci0000:03"], ["04", "00"]),
    ("pcie-switch", "nvme-bus", ["04:00.0 02:00.0", "0000:04:00.0 0000:02:00.0"], ["04", "03", "04:00.0 02:01.0"]),
    ("iommu", "ir-mode", ["xapic", "XAPIC", "xAPIC", "x-apic"], ["x2apic"]),
    ("numa", "node-range", ["0x80000000", "0x0000000080000000", "80000000"], ["0x90000000"]),
    ("nvdimm", "raw-size", ["268435456", "0x10000000"], ["256M", "266338304"]),
  ]

  @Test(arguments: Self.forms.indices) func theFormsTheGuestPrintsAreAcceptedAndGuessesAreNot(_ index: Int) throws {
    let form = Self.forms[index]
    let lesson = try Self.lesson(form.lesson)
    let step = try #require(lesson.steps.first { $0.id == form.step }, "no step \(form.step) in \(form.lesson)")
    for answer in form.accepted {
      #expect(try Self.accepts(step, answer), "\(form.lesson)/\(form.step) refuses \(answer)")
    }
    for answer in form.refused {
      #expect(try !Self.accepts(step, answer), "\(form.lesson)/\(form.step) accepts \(answer)")
    }
  }

  /// What `qlearn show` prints before step 1: the title, summary, every step's title and goal, and the whole prose.
  static func shownBeforeStepOne(_ lesson: Lesson) -> String {
    ([lesson.title, lesson.summary] + lesson.steps.flatMap { [$0.title, $0.goal] } + [lesson.body]).joined(separator: "\n")
  }

  /// Every answer long enough to be told apart from ordinary text (addresses, sizes, names, splits) is absent from
  /// what `show` prints. Short numeric answers cannot be searched for that way ("4 KiB" is not a leak of "4"), so the
  /// phrases the expert review found giving them away are searched for instead.
  @Test func noAnswerIsShownBeforeItsStep() throws {
    for lesson in Self.course {
      let shown = Self.shownBeforeStepOne(lesson).lowercased()
      for step in lesson.steps {
        for answer in Self.referenceAnswers(step).map({ $0.lowercased() }) where answer.count >= 4 {
          #expect(!shown.contains(answer), "\(lesson.id): `show` prints \(answer), the answer of step \(step.id)")
        }
      }
    }
    let reviewed: [(lesson: String, phrases: [String])] = [
      ("virtio-scsi-mq", ["four-queue", "four request queues", "four hardware contexts"]),
      ("virtio-blk-queues", ["four request queues", "offers four queues"]),
      ("virtio-net-mq", ["nine", "1 + 4 + 4", "= 9"]),
      ("nvdimm", ["256 mib"]),
      ("numa-pci", ["attached to numa node 1", "node 1's memory"]),
      ("numa", ["after node 0's 2 gib"]),
      ("iommu", ["refused\nunder tcg", "refused under tcg"]),
      ("nvme-queues", ["fewer interrupting queues", "4/0/0"]),
      ("pci-root-bus", ["root bus 03", "[pc03]"]),
      ("scsi-addressing", ["system physical drives"]),
    ]
    for (id, phrases) in reviewed {
      let shown = Self.shownBeforeStepOne(try Self.lesson(id)).lowercased().replacingOccurrences(of: "\n", with: " ")
      for phrase in phrases {
        #expect(!shown.contains(phrase.replacingOccurrences(of: "\\n", with: " ")), "\(id): `show` prints \"\(phrase)\"")
      }
    }
  }

  /// A threshold a check enforces (interrupt counts, counters, sizes) appears in the goal of its step.
  @Test func everyThresholdIsStatedInTheGoal() throws {
    var thresholds = 0
    for lesson in Self.course {
      for step in lesson.steps {
        for check in step.checks where ["interrupts-on-cpu", "command-number", "file-number"].contains(check.name) {
          let key = check.name == "interrupts-on-cpu" ? "min" : "value"
          let value = try #require(check.arguments[key]?.scalar, "\(lesson.id)/\(step.id): \(check.name) without \(key)")
          thresholds += 1
          #expect(step.goal.contains(value), "\(lesson.id)/\(step.id): the goal does not say \(value) (\(check.name))")
        }
      }
    }
    #expect(thresholds >= 10)
  }

  /// The seed's own findings are steps a learner performs, not narration.
  @Test func theSeedsFindingsAreSteps() throws {
    let steps = [("nvme-queues", "cpu-offline"), ("nvme-queues", "queue-arithmetic"), ("pm-suspend", "offline-suspend"),
                 ("virtio-net-mq", "starved-card"), ("dont-trust-qemu", "zero-range")]
    for (id, stepID) in steps {
      let lesson = try Self.lesson(id)
      let step = try #require(lesson.steps.first { $0.id == stepID }, "no step \(stepID) in \(id)")
      #expect(step.checks.count >= 2, "\(id)/\(stepID) is graded by \(step.checks.count) check")
    }
  }
}
