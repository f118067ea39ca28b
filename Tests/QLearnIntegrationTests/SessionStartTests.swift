import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Starting a lesson: one start per lesson at a time, nothing left behind by a failed boot, and a reader that goes
/// away does not take the VM with it.
@Suite(.serialized) struct SessionStartTests {
  func process(_ cli: QLearnCLI, _ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = try qlearnExecutableURL()
    process.arguments = arguments
    process.environment = cli.environment
    process.currentDirectoryURL = Repository.root
    let pipe = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = pipe
    return (process, pipe)
  }

  @Test func twoStartsOfOneLessonAtOnceOneWinsTheOtherIsToldWhy() throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    for round in 1...2 {
      let (a, pipeA) = try process(cli, ["start", "nvme-queues", "--detach", "--accel", "tcg"])
      let (b, pipeB) = try process(cli, ["start", "nvme-queues", "--detach", "--accel", "tcg"])
      try a.run()
      try b.run()
      let errA = String(decoding: pipeA.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      let errB = String(decoding: pipeB.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      a.waitUntilExit()
      b.waitUntilExit()
      let statuses = [a.terminationStatus, b.terminationStatus]
      #expect(statuses.sorted() == [0, 1], "round \(round): \(statuses)\n\(errA)\n\(errB)")
      let loser = a.terminationStatus == 0 ? errB : errA
      #expect(
        loser.contains("is booting this lesson right now") || loser.contains("already has a running VM"),
        "round \(round): \(loser)")
      #expect(!loser.contains("qemu-img"), "\(loser)")
      #expect(try cli.run(["exec", "--", "true"]).status == 0, "the winner's VM runs")
      #expect(try cli.run(["stop", "--all"]).status == 0)
    }
  }

  @Test func aBootWhoseQEMUFailsLeavesNoSessionFolder() throws {
    let cli = try QLearnCLI()
    // A QEMU that refuses to run the machine (as a real one does with memory the host cannot map).
    let bin = cli.home.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let fake = bin.appendingPathComponent("qemu-system-x86_64")
    try """
      #!/bin/sh
      case "$*" in *qmp*) echo "qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory" >&2; exit 1;; esac
      exec /usr/bin/qemu-system-x86_64 "$@"
      """.write(to: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    var environment = cli.environment
    environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    let start = try Command(
      try qlearnExecutableURL().path, ["start", "nvme-queues", "--detach", "--accel", "tcg"],
      currentDirectory: Repository.root, environment: environment
    ).output()
    #expect(start.status != 0)
    #expect(start.stderrText.contains("Cannot allocate memory"), "\(start.stderrText)")
    let session = SessionDirectory.forLesson("nvme-queues", paths: cli.paths)
    #expect(!FileManager.default.fileExists(atPath: session.url.path), "a failed boot leaves no session folder")
    let stop = try cli.run(["stop", "nvme-queues"])
    #expect(!stop.stdoutText.contains("Stopped"), "\(stop.stdoutText)")
    #expect(try cli.run(["status"]).stdoutText.contains("No lesson VM is running"))
  }

  @Test func aReaderThatGoesAwayDoesNotKillTheVM() throws {
    let cli = try QLearnCLI()
    defer { _ = try? cli.run(["stop", "--all"]) }
    let line = "'\(try qlearnExecutableURL().path)' start nvme-queues --detach --accel tcg 2>&1 | head -1"
    let piped = try Command("bash", ["-c", line], currentDirectory: Repository.root, environment: cli.environment).output()
    #expect(piped.status == 0)
    #expect(piped.stdoutText.split(separator: "\n").count == 1, "\(piped.stdoutText)")
    let exec = try cli.run(["exec", "--", "true"])
    #expect(exec.status == 0, "the VM survived: \(exec.stderrText)")
    #expect(try cli.run(["status"]).stdoutText.contains("nvme-queues"))
  }
}
