import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// The nvme-queues lesson done in a real browser: Debian's chromium, driven through chromium-driver by selenium
/// (Tests/Browser/nvme_queues_e2e.py), against the built `qlearn serve` booting under TCG. Needs
/// Scripts/install-browser-deps.
@Suite(.serialized) struct BrowserEndToEndTests {
  @Test(.timeLimit(.minutes(10))) func nvmeQueuesInChromium() async throws {
    let cli = try QLearnCLI()
    let (serve, url) = try Self.serve(cli, ["--accel", "tcg"])
    defer {
      serve.terminate()
      serve.waitUntilExit()
      _ = try? cli.run(["stop", "--all"])
    }
    #expect(url.hasPrefix("http://127.0.0.1:"))

    let screenshot = cli.home.appendingPathComponent("nvme-queues-in-chromium.png")
    let script = Repository.root.appendingPathComponent("Tests/Browser/nvme_queues_e2e.py")
    let run = try Self.run("python3", [script.path, url, screenshot.path], limit: .seconds(480))
    let said = String(decoding: run.output, as: UTF8.self)
    print(said)
    #expect(run.status == 0, "the browser test failed:\n\(said)")
    #expect(said.contains("the guest answered 5 in the page's console"))
    #expect(said.contains("\nPASSED"))
    let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
    #expect(size > 10_000, "no screenshot at \(screenshot.path)")
    print("Screenshot of the lesson page after the step passed: \(screenshot.path)")

    // One state with the command line: the step checked in the browser is passed in `qlearn progress`.
    let progress = try cli.run(["progress", "nvme-queues"])
    let table = String(decoding: progress.stdout, as: UTF8.self)
    let row = table.split(separator: "\n").first { $0.contains("count-vectors") } ?? ""
    #expect(row.contains("passed"), "qlearn progress says:\n\(table)")
  }

  /// The URL line `qlearn serve` prints, within 60 s.
  /// Starts `qlearn serve` on a free port with `cli`'s folders; returns it and the URL it printed.
  static func serve(_ cli: QLearnCLI, _ arguments: [String] = []) throws -> (Process, String) {
    let serve = Process()
    serve.executableURL = try qlearnExecutableURL()
    serve.arguments = ["serve", "--port", "0"] + arguments
    serve.environment = cli.environment
    serve.currentDirectoryURL = Repository.root
    let output = Pipe()
    serve.standardOutput = output
    serve.standardError = FileHandle.nullDevice
    try serve.run()
    guard let url = try servedURL(from: output.fileHandleForReading) else {
      serve.terminate()
      serve.waitUntilExit()
      throw ServeError.noURL
    }
    return (serve, url)
  }

  struct ServeError: Error, CustomStringConvertible {
    static let noURL = ServeError()
    var description: String { "qlearn serve printed no URL" }
  }

  static func servedURL(from handle: FileHandle) throws -> String? {
    let deadline = Date().addingTimeInterval(60)
    var text = ""
    let descriptor = handle.fileDescriptor
    while Date() < deadline {
      var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
      guard try syscall("poll", "serve output", { poll(&fds, 1, 500) }) > 0 else { continue }
      let data = handle.availableData
      if data.isEmpty { return nil }
      text += String(decoding: data, as: UTF8.self)
      if let line = text.split(separator: "\n").first(where: { $0.contains("?token=") }) {
        return line.trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
  }

  /// Runs a program with standard output and error together, killing it after `limit`.
  static func run(
    _ program: String, _ arguments: [String], limit: Duration, input: Data? = nil, environment: [String: String]? = nil
  ) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    process.currentDirectoryURL = Repository.root
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let stdin = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    if let input {
      stdin.fileHandleForWriting.write(input)
      try? stdin.fileHandleForWriting.close()
    }
    let killer = Thread {
      let end = Date().addingTimeInterval(Double(limit.components.seconds))
      while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.2) }
      if process.isRunning { process.terminate() }
    }
    killer.start()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
  }
}
