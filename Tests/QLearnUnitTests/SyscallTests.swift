import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct SyscallTests {
  @Test func failureNamesTheCallAndSubject() {
    #expect(throws: SystemError.self) {
      try syscall("open", "/nonexistent/qlearn") { open("/nonexistent/qlearn", O_RDONLY) }
    }
    do {
      try syscall("open", "/nonexistent/qlearn") { open("/nonexistent/qlearn", O_RDONLY) }
    } catch {
      #expect(error.errno == ENOENT)
      #expect(error.description == "open(/nonexistent/qlearn) failed: No such file or directory")
    }
  }
}
