import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The course's order: the outline in `Lessons/ORDER`, with prerequisites always first.
@Suite struct CourseOrderTests {
  @Test func theOutlineListsEveryLessonOnceAndNothingElse() throws {
    let ids = Course(paths: [Repository.lessons]).lessons.map(\.id)
    let outline = Course.outline(in: [Repository.lessons])
    #expect(Set(outline).count == outline.count, "an id appears twice in Lessons/ORDER")
    #expect(Set(outline) == Set(ids), "missing: \(Set(ids).subtracting(outline)), unknown: \(Set(outline).subtracting(ids))")
  }

  @Test func theCourseFollowsTheOutlineAndPutsPrerequisitesFirst() throws {
    let course = Course(paths: [Repository.lessons]).lessons
    let position = Dictionary(course.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    for lesson in course {
      for prerequisite in lesson.prerequisites {
        #expect((position[prerequisite] ?? .max) < (position[lesson.id] ?? -1), "\(prerequisite) after \(lesson.id)")
      }
    }
    #expect(course.first?.id == "boot-host-kernel")
    #expect(course.last?.id == "dont-trust-qemu")
  }

  @Test func anOutlineReordersLessonsButNeverAheadOfTheirPrerequisites() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlearn-order-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try String(contentsOf: Repository.lessons.appendingPathComponent("nvme-queues.md"), encoding: .utf8)
    for (id, prerequisites) in [("alpha", "[]"), ("beta", "[]"), ("gamma", "[alpha]")] {
      let text = source.replacingOccurrences(of: "id: nvme-queues", with: "id: \(id)")
        .replacingOccurrences(of: "\ntopic: ", with: "\nprerequisites: \(prerequisites)\ntopic: ")
      try text.write(to: folder.appendingPathComponent("\(id).md"), atomically: true, encoding: .utf8)
    }
    try "# comment\ngamma\nbeta\n".write(to: folder.appendingPathComponent("ORDER"), atomically: true, encoding: .utf8)
    #expect(Course(paths: [folder]).lessons.map(\.id) == ["alpha", "gamma", "beta"])
  }
}
