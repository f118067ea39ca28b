import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct ConsoleLogTests {
  @Test func tailCleansAndKeepsTheLastLines() throws {
    let directory = try sessionScratchDirectory("log")
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("console.log")
    let text = "[    0.000000] Linux version 6.1\r\n[    1.2] nvme nvme0: 4/0/0 default/read/poll queues\r\n"
      + "\u{1B}[1;34mbin\u{1B}[0m  \u{1B}]0;title\u{07}etc\r\n~ # \u{07}"
    try Data(text.utf8).write(to: url)
    let log = ConsoleLog(path: url.path)
    #expect(try log.tail(lines: 2) == ["bin  etc", "~ # "])
    #expect(try log.tail(lines: 10).count == 4)
    #expect(try log.tail(lines: 0) == [])
  }

  /// `qlearn log` (without --raw) shows guest output with its escape sequences neutralised: no ESC, BEL or bare CR
  /// reaches the terminal, while the text itself stays.
  @Test func aWholeLogIsReadableNotInterpreted() {
    let raw = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[1;31mred\u{1B}[0m\r\nnext\u{08}\rline\n"
    let shown = ConsoleLog.readable(Data(raw.utf8))
    #expect(!shown.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
    #expect(shown.contains("red") && shown.contains("next") && shown.contains("line"))
    #expect(shown.split(separator: "\n").count == 2)
  }

  /// A boot failure quotes the guest's last lines: a line that still holds an escape sequence is neutralised there too.
  @Test func aBootFailureQuotesTheConsoleSafely() {
    let error = LaunchError.bootTimedOut(lesson: "l", seconds: 5, console: ["\u{1B}[2Jcleared", "bell\u{07}"])
    let text = error.errorDescription ?? ""
    #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
    #expect(text.contains("cleared") && text.contains("bell"))
  }

  @Test func tailReadsOnlyTheEndAndDropsTheCutLine() throws {
    let directory = try sessionScratchDirectory("log")
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("console.log")
    let lines = (1...1000).map { "line \($0)" }
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    let tail = try ConsoleLog(path: url.path).tail(lines: 1000, maxBytes: 40)
    #expect(tail.last == "line 1000")
    #expect(tail.count == 4)  // 40 bytes end with "line 997..1000" (9 bytes + newline each), the cut line dropped
  }

  @Test func missingLogHasNoLines() throws {
    #expect(try ConsoleLog(path: "/nonexistent/qlearn/console.log").tail(lines: 5) == [])
  }

  /// The console of a guest that died as one did here (Debian 6.12 under MTTCG): the fault is 25 lines above the end.
  static let oopsConsole =
    ["vm# mkfs.ext4 -F /dev/nvme0n1", "[    2.059205] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI"]
    + (1...30).map { "[    2.0600\($0)] register line \($0)" }
    + ["[    2.071126] Kernel panic - not syncing: Fatal exception in interrupt", "[    2.071961] Kernel Offset: disabled"]

  @Test func aDeadGuestsLastWordsStartAtItsOops() {
    let words = ConsoleLog.lastWords(Self.oopsConsole, lines: 15, oopsLines: 40)
    #expect(words.first == "[    2.059205] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI")
    #expect(words.last == "[    2.071961] Kernel Offset: disabled")
    #expect(words.count == 33)
  }

  @Test func aLongOopsIsCutButKeepsThePanicLine() {
    let words = ConsoleLog.lastWords(Self.oopsConsole, lines: 15, oopsLines: 10)
    #expect(words.count == 12)
    #expect(words.first?.contains("Oops: int3") == true)
    #expect(words.suffix(2) == ["…", "[    2.071126] Kernel panic - not syncing: Fatal exception in interrupt"])
  }

  @Test func withoutAnOopsTheLastWordsAreTheTail() {
    let console = (1...50).map { "line \($0)" }
    #expect(ConsoleLog.lastWords(console, lines: 15, oopsLines: 40) == (36...50).map { "line \($0)" })
  }
}
