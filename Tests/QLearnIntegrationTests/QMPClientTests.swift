import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Against a real QEMU with no guest (`-machine pc -S`).
@Suite(.serialized) struct QMPClientTests {
  @Test func greetingAndStatus() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    #expect(qmp.qemuVersion?.split(separator: ".").count == 3)
    let status = try await qmp.execute("query-status")
    #expect(status["status"]?.string == "prelaunch")
    #expect(status["running"]?.bool == false)
  }

  @Test func queryPCIListsTheHostBridge() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    let buses = try #require(try await qmp.execute("query-pci").array)
    let devices = try #require(buses.first?["devices"]?.array)
    // i440FX host bridge: vendor 0x8086, device 0x1237, at slot 0.
    #expect(devices.contains { $0["id"]?["vendor"]?.int == 0x8086 && $0["id"]?["device"]?.int == 0x1237 })
  }

  @Test func humanMonitorCommandReturnsText() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    let version = try await qmp.humanMonitorCommand("info version")
    #expect(version.contains(try #require(qmp.qemuVersion)))
    let refused = try await qmp.humanMonitorCommand("device_del nosuchdevice")
    #expect(refused.contains("nosuchdevice"))
  }

  @Test func failingCommandCarriesItsErrorClass() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    await #expect(throws: QMPError.commandFailed(
      command: "no-such-command", class: "CommandNotFound", desc: "The command no-such-command has not been found"))
    {
      try await qmp.execute("no-such-command")
    }
    do {
      try await qmp.execute("device_del", arguments: ["id": "nosuchdevice"])
      Issue.record("device_del of a missing device succeeded")
    } catch QMPError.commandFailed(let command, let errorClass, let desc) {
      #expect(command == "device_del")
      #expect(errorClass == "DeviceNotFound")
      #expect(desc.contains("nosuchdevice"))
    }
    // The connection is still usable after a refused command.
    #expect(try await qmp.execute("query-status")["status"]?.string == "prelaunch")
  }

  @Test func stopAndContDeliverEvents() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    try await qmp.execute("cont")
    let resume = try await qmp.waitForEvent(named: "RESUME", timeout: .seconds(5))
    #expect(resume.timestamp != nil)
    try await qmp.execute("stop")
    let stop = try await qmp.waitForEvent(named: "STOP", timeout: .seconds(5))
    #expect(stop.name == "STOP")
    try await qmp.execute("cont")
    // Collect the RESUME through events(): received while waiting for cont's reply or pending on the socket.
    var names: [String] = []
    for _ in 0..<50 where !names.contains("RESUME") {
      names += try await qmp.events().map(\.name)
      if !names.contains("RESUME") { try await Task.sleep(for: .milliseconds(20)) }
    }
    #expect(names.contains("RESUME"))
    #expect(try await qmp.events().isEmpty)
  }

  @Test func missingEventTimesOut() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    await #expect(throws: QMPError.eventTimedOut(event: "WAKEUP", timeout: .milliseconds(200))) {
      try await qmp.waitForEvent(named: "WAKEUP", timeout: .milliseconds(200))
    }
    // Still in step afterwards.
    #expect(try await qmp.execute("query-status")["status"]?.string == "prelaunch")
  }

  @Test func killedQEMUIsReportedAsGone() async throws {
    let (qemu, socket) = try startScratchQEMU()
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    qemu.signal(SIGKILL)
    qemu.waitForExit()
    await #expect(throws: QMPError.vmGone(path: socket)) {
      try await qmp.execute("query-status")
    }
    let message = QMPError.vmGone(path: socket).errorDescription ?? ""
    #expect(message.hasPrefix("QEMU closed the QMP socket: the VM is gone"))
  }

  @Test func frozenQEMUTimesOutAndLateReplyIsDropped() async throws {
    let (qemu, socket) = try startScratchQEMU()
    defer { qemu.stop() }
    let qmp = try await QMPClient.connect(path: socket, timeout: .seconds(10))
    qemu.signal(SIGSTOP)
    await #expect(throws: QMPError.timedOut(command: "query-name", timeout: .milliseconds(300))) {
      try await qmp.execute("query-name", timeout: .milliseconds(300))
    }
    qemu.signal(SIGCONT)
    // QEMU now answers query-name late; the next command must get its own reply, not that one.
    let status = try await qmp.execute("query-status", timeout: .seconds(5))
    #expect(status["status"]?.string == "prelaunch")
  }

  @Test func connectGivesUpWhenNoQEMUComes() async throws {
    let directory = try sessionScratchDirectory("noqmp")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("qmp.sock").path
    do {
      _ = try await QMPClient.connect(path: path, timeout: .milliseconds(200))
      Issue.record("connected to a socket nobody created")
    } catch QMPError.connectFailed(let failedPath, let reason) {
      #expect(failedPath == path)
      #expect(reason.contains("No such file"))
    }
  }
}
