import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct SessionJSONValueTests {
  @Test func parsesQMPRepliesAndReadsThemWithAccessors() throws {
    let reply = try JSONValue.parse(
      #"{"return": [{"bus": 0, "devices": [{"slot": 4, "qdev_id": "nvme0", "id": {"vendor": 6966}}]}], "id": "q1"}"#)
    #expect(reply["id"]?.string == "q1")
    let device = try #require(reply["return"]?[0]?["devices"]?[0])
    #expect(device["slot"]?.int == 4)
    #expect(device["qdev_id"]?.string == "nvme0")
    #expect(device["id"]?["vendor"]?.int == 6966)
    #expect(reply["missing"] == nil)
    #expect(reply["return"]?[5] == nil)
    #expect(JSONValue.number(1.5).int == nil)
    #expect(try JSONValue.parse("[true, null, 0]") == [true, nil, 0])
  }

  @Test func encodesCompactlyWithIntegersAndEscapes() {
    let value: JSONValue = [
      "execute": "human-monitor-command",
      "arguments": ["command-line": "drive_add 0 if=none,id=d1,file=\"a b\"\n"],
      "size": .number(1_073_741_824), "ratio": 0.5, "ok": true, "none": nil, "list": [1, "two"],
    ]
    #expect(value.compactString == #"{"arguments":{"command-line":"drive_add 0 if=none,id=d1,file=\"a b\"\n"},"#
      + #""execute":"human-monitor-command","list":[1,"two"],"none":null,"ok":true,"ratio":0.5,"size":1073741824}"#)
    #expect(JSONValue.string("\u{01}é").compactString == "\"\\u0001é\"")
  }

  @Test func roundTripsThroughTheParser() throws {
    let value: JSONValue = ["a": [1, 2.25, "x\ty", ["b": false]], "c": nil]
    #expect(try JSONValue.parse(value.compactString) == value)
    let decoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    #expect(decoded == value)
  }

  @Test func rejectsBrokenJSON() {
    #expect(throws: (any Error).self) { try JSONValue.parse(#"{"return": "#) }
  }
}
