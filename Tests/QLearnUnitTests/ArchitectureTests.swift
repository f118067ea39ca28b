import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// ARCHITECTURE.md's one rule, checked on every test run: the folders of Sources/QLearnKit depend one way.
@Suite struct ArchitectureTests {
  @Test func theEngineFoldersFormNoCycle() throws {
    let script = Repository.root.appendingPathComponent("Scripts/folder-cycles.py").path
    let output = try Command("python3", [script, Repository.root.appendingPathComponent("Sources/QLearnKit").path]).output()
    #expect(output.status == 0, "\(output.stdoutText)")
    #expect(output.stdoutText.contains("no cycle"), "\(output.stdoutText)")
  }
}
