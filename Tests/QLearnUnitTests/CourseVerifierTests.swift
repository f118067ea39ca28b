import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// `qlearn verify --shard I/N`: every CI runner computes its share of the same course on its own.
@Suite struct CourseVerifierShardTests {
  static let course = Course(paths: [Repository.lessons]).lessons

  static func work(_ lessons: [Lesson]) -> Int { lessons.reduce(0) { $0 + CourseVerifier.estimatedSeconds($1) } }

  @Test(arguments: [1, 2, 3, 4, 7])
  func theSharesCoverTheCourseOnceEachInCourseOrder(count: Int) {
    let shares = (1...count).map { CourseVerifier.shard(Self.course, index: $0, of: count) }
    let ids = shares.flatMap { $0.map(\.id) }
    #expect(ids.count == Self.course.count)
    #expect(Set(ids) == Set(Self.course.map(\.id)))
    let order = Dictionary(uniqueKeysWithValues: Self.course.enumerated().map { ($1.id, $0) })
    for share in shares {
      let positions = share.map { order[$0.id]! }
      #expect(positions == positions.sorted())
    }
  }

  @Test func sharesAreBalancedByWork() {
    let heaviest = Self.course.map(CourseVerifier.estimatedSeconds).max() ?? 0
    let loads = (1...4).map { Self.work(CourseVerifier.shard(Self.course, index: $0, of: 4)) }
    #expect(loads.max()! - loads.min()! <= heaviest, "loads \(loads)")
    #expect(loads.allSatisfy { $0 > 0 })
  }

  @Test func theSameCourseGivesTheSameShares() {
    let first = CourseVerifier.shard(Self.course, index: 2, of: 3).map(\.id)
    let again = CourseVerifier.shard(Course(paths: [Repository.lessons]).lessons, index: 2, of: 3).map(\.id)
    #expect(first == again)
    #expect(CourseVerifier.shard(Self.course, index: 1, of: 1).map(\.id) == Self.course.map(\.id))
  }

  @Test func sideBySideTheLongestLessonGoesFirst() throws {
    let order = CourseVerifier.longestFirst(Self.course)
    let pm = try #require(Self.course.first { $0.id == "pm-suspend" })
    #expect(order.first?.id == pm.id, "pm-suspend waits \(CourseVerifier.estimatedSeconds(pm)) s in its solutions")
    #expect(zip(order, order.dropFirst()).allSatisfy { CourseVerifier.estimatedSeconds($0) >= CourseVerifier.estimatedSeconds($1) })
    #expect(Set(order.map(\.id)) == Set(Self.course.map(\.id)))
  }
}
