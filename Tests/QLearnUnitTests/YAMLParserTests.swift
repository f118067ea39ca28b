import Foundation
import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Renders a tree without locations, so shapes can be compared: quoted scalars in '', plain ones bare.
private func render(_ node: YAMLNode?) -> String {
  guard let node else { return "nil" }
  switch node.kind {
  case .scalar(let text, let plain): return plain ? text : "'\(text)'"
  case .sequence(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
  case .mapping(let pairs):
    return "{" + pairs.map { render($0.key) + ": " + render($0.value) }.joined(separator: ", ") + "}"
  }
}

private func parse(_ text: String, firstLine: Int = 1, limits: YAMLLimits = .init()) throws(YAMLError) -> YAMLNode? {
  try YAML.parse(text, file: "lesson.md", firstLine: firstLine, limits: limits)
}

/// The error `text` is refused with; fails the test if it parses.
private func refusal(_ text: String, firstLine: Int = 1, limits: YAMLLimits = .init()) -> YAMLError? {
  do {
    let node = try parse(text, firstLine: firstLine, limits: limits)
    Issue.record("expected a refusal, got \(render(node))")
    return nil
  } catch {
    return error
  }
}

private func at(_ line: Int, _ column: Int) -> QLearnKit.SourceLocation {
  QLearnKit.SourceLocation(file: "lesson.md", line: line, column: column)
}

@Suite struct YAMLParserTests {
  @Test func nestedNodesKeepTheirPositionsShiftedByFirstLine() throws {
    let text = """
      title: NVMe queues
      machine:
        memory: 512M
        disks:
          - name: nvme0
            size: 1G
      """
    let root = try #require(try parse(text, firstLine: 2))
    #expect(root.location == at(2, 1))
    #expect(root["title"]?.location == at(2, 8))
    let machine = try #require(root["machine"])
    #expect(machine.location == at(4, 3))
    #expect(machine["memory"]?.location == at(4, 11))
    let disks = try #require(machine["disks"])
    #expect(disks.location == at(6, 5))
    guard case .sequence(let items) = disks.kind, let disk = items.first else {
      Issue.record("disks is \(disks.kindName)")
      return
    }
    #expect(disk.location == at(6, 7))
    #expect(disk["size"]?.location == at(7, 13))
    #expect(disk["size"]?.scalar == "1G")
    guard case .mapping(let pairs) = machine.kind else {
      Issue.record("machine is \(machine.kindName)")
      return
    }
    #expect(pairs.map(\.key.scalar) == ["memory", "disks"])
    #expect(pairs[1].key.location == at(5, 3))
  }

  @Test func plainAndQuotedScalarsAreTold() throws {
    let text = """
      a: yes
      b: "yes"
      c: 'x'
      d:
      e: ""
      f: ~
      g: !!str null
      h: |
        text
      i: end
      """
    let root = try #require(try parse(text))
    func kind(_ key: String) -> (String?, Bool?) {
      guard case .scalar(let s, let plain) = root[key]?.kind else { return (nil, nil) }
      return (s, plain)
    }
    #expect(kind("a") == ("yes", true))
    #expect(kind("b") == ("yes", false))
    #expect(kind("c") == ("x", false))
    #expect(kind("h") == ("text\n", false))
    #expect(root["d"]?.isNull == true)
    #expect(root["d"]?.kindName == "an empty value")
    #expect(root["e"]?.isNull == false)
    #expect(root["e"]?.kindName == "a string")
    #expect(root["f"]?.isNull == true)
    #expect(root["g"]?.tag == "!!str")
    #expect(root["g"]?.isNull == false)
    #expect(root["a"]?.tag == nil)
  }

  @Test func blockAndFlowStylesGiveTheSameTree() throws {
    let block = """
      cpus: [1, 2]
      disk:
        size: 1G
        tags:
          - fast
          - "nvme"
      """
    let flow = "{cpus: [1, 2], disk: {size: 1G, tags: [fast, \"nvme\"]}}"
    let expected = "{cpus: [1, 2], disk: {size: 1G, tags: [fast, 'nvme']}}"
    #expect(render(try parse(block)) == expected)
    #expect(render(try parse(flow)) == expected)
    let root = try #require(try parse(flow))
    #expect(root.kindName == "a mapping")
    #expect(root["cpus"]?.kindName == "a list")
    #expect(root["disk"]?["tags"]?.location == at(1, 39))
  }

  @Test func aliasesExpandToCopiesOfTheAnchoredNode() throws {
    let text = """
      base: &vm {cpus: 2, memory: 1G}
      first: *vm
      second: *vm
      name: &n "qemu"
      again: *n
      """
    let root = try #require(try parse(text, firstLine: 10))
    #expect(render(root["first"]) == "{cpus: 2, memory: 1G}")
    #expect(render(root["second"]) == render(root["base"]))
    #expect(render(root["again"]) == "'qemu'")
    // The copy points at the alias use; its insides at the anchored text.
    #expect(root["second"]?.location == at(12, 9))
    #expect(root["second"]?["cpus"]?.location == at(10, 18))
    #expect(root["again"]?.location == at(14, 8))
  }

  @Test func classicBillionLaughsIsRefused() throws {
    var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    let names = Array("abcdefghi").map(String.init)
    for (previous, name) in zip(names, names.dropFirst()) {
      lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
    }
    let bomb = lines.joined(separator: "\n")
    // With the default limits either bound may stop it first (the node bound does: level d alone is 7,381 nodes).
    let error = try #require(refusal(bomb))
    #expect(error.reason == .tooManyAliases || error.reason == .tooManyNodes)
    #expect(error.suggestion != nil)
    // Each bound on its own stops it too.
    let aliases = try #require(refusal(bomb, limits: YAMLLimits(maxNodes: .max)))
    #expect(aliases.reason == .tooManyAliases)
    #expect(aliases.message.contains("more than 32 aliases (*d)"))
    #expect(aliases.location == at(5, 23))  // the 33rd use: the sixth *d on line e
    // Even with a generous alias budget, the node bound stops the exponential growth.
    let nodes = try #require(refusal(bomb, limits: YAMLLimits(maxAliases: 1_000)))
    #expect(nodes.reason == .tooManyNodes)
    #expect(nodes.message.contains("10000"))
    #expect(nodes.location.line <= 5)
  }

  @Test func oversizeTextIsRefusedBeforeParsing() throws {
    let big = String(repeating: "key: value\n", count: 7_000)  // 77,000 bytes
    let error = try #require(refusal(big, firstLine: 3))
    #expect(error.reason == .tooLarge)
    #expect(error.location == at(3, 1))
    #expect(error.message.contains("77000 bytes"))
    // The bound is in UTF-8 bytes, not characters: five "é" are ten bytes.
    let limits = YAMLLimits(maxBytes: 10)
    #expect(render(try parse("ééééé", limits: limits)) == "ééééé")
    #expect(refusal("éééééé", limits: limits)?.reason == .tooLarge)
  }

  @Test func nestingPastTheDepthBoundIsRefused() throws {
    let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    #expect(try parse(ok) != nil)
    let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
    let error = try #require(refusal(deep, firstLine: 4))
    #expect(error.reason == .tooDeep)
    #expect(error.location == at(4, 65))
    // An alias cannot be used to get around the bound.
    let viaAlias = "a: &x [[[1]]]\nb: [[*x]]"
    #expect(try parse(viaAlias, limits: YAMLLimits(maxDepth: 6)) != nil)
    let refused = try #require(refusal(viaAlias, limits: YAMLLimits(maxDepth: 5)))
    #expect(refused.reason == .tooDeep)
    #expect(refused.location == at(2, 6))
  }

  @Test func duplicateKeyPointsAtTheSecondAndNamesTheFirst() throws {
    let text = """
      title: one
      machine:
        title: fine, another mapping
      "title": two
      """
    let error = try #require(refusal(text, firstLine: 5))
    #expect(error.reason == .duplicateKey)
    #expect(error.location == at(8, 1))
    #expect(error.message.contains("'title'"))
    #expect(error.message.contains("first set on line 5"))
  }

  @Test func syntaxErrorsSayWhatAndWhere() throws {
    let badIndent = try #require(refusal("machine:\n  memory: 1G\n disks: 2\n", firstLine: 2))
    #expect(badIndent.reason == .syntax)
    #expect(badIndent.location == at(4, 2))
    #expect(badIndent.message.contains("indentation"))

    let unterminated = try #require(refusal("cpus: [1, 2\nmemory: 1G\n", firstLine: 2))
    #expect(unterminated.reason == .syntax)
    #expect(unterminated.message.contains("started on line 2, column 7"))
    #expect(unterminated.message.contains("']'"))

    let tab = try #require(refusal("machine:\n  memory: 1G\n  \tdisks: 2\n", firstLine: 2))
    #expect(tab.location == at(4, 3))
    #expect(tab.message.contains("tab"))
    #expect(tab.errorDescription == "lesson.md:4:3: \(tab.message)")
    #expect(tab.recoverySuggestion == tab.suggestion)
    #expect(tab.suggestion?.contains("spaces") == true)

    let colon = try #require(refusal("title: Queues: the basics\n"))
    #expect(colon.location == at(1, 14))
    #expect(colon.message.contains("quoted"))

    let quote = try #require(refusal("title: \"Queues\nnext: 1\n"))
    #expect(quote.message.contains("quoted string started on line 1, column 8"))
  }

  @Test func controlCharactersAreLocatedFromTheByteOffset() throws {
    let error = try #require(refusal("title: ok\nnote: é\u{7}\n", firstLine: 3))
    #expect(error.reason == .syntax)
    #expect(error.location == at(4, 8))
    #expect(error.message.contains("U+0007"))
  }

  @Test func moreThanOneDocumentIsRefused() throws {
    let error = try #require(refusal("a: 1\n---\nb: 2\n", firstLine: 2))
    #expect(error.reason == .multipleDocuments)
    #expect(error.location == at(3, 1))
    #expect(refusal("a: 1\n...\n---\nb: 2\n")?.reason == .multipleDocuments)
    #expect(render(try parse("a: 1\n...\n")) == "{a: 1}")
  }

  @Test func undefinedAndSelfReferringAliasesAreRefused() throws {
    let undefined = try #require(refusal("a: *nope\nb: &nope 1\n"))
    #expect(undefined.reason == .undefinedAlias)
    #expect(undefined.location == at(1, 4))
    #expect(undefined.message.contains("*nope"))
    let recursive = try #require(refusal("a: &x [1, *x]\n"))
    #expect(recursive.reason == .undefinedAlias)
    #expect(recursive.message.contains("cannot contain itself"))
  }

  @Test func nonScalarKeysAreRefused() throws {
    let error = try #require(refusal("ok: 1\n? [a, b]\n: c\n"))
    #expect(error.reason == .nonScalarKey)
    #expect(error.location == at(2, 3))
    #expect(error.message.contains("a list"))
    #expect(refusal("{{a: 1}: b}")?.reason == .nonScalarKey)
    #expect(refusal("m: &m {a: 1}\n*m : 2\n")?.reason == .nonScalarKey)
    #expect(render(try parse("s: &s key\n*s : 2\n")) == "{s: key, key: 2}")
  }

  @Test func emptyDocumentsGiveNil() throws {
    for text in ["", "   \n\n", "# only a comment\n", "---\n", "---\n...\n"] {
      #expect(try parse(text) == nil, "\(text.debugDescription)")
    }
    #expect(try parse("~")?.isNull == true)
    #expect(render(try parse("''")) == "''")
  }

  @Test func columnsCountUnicodeScalarsNotBytes() throws {
    let text = """
      名前: 値
      emoji: ["🙂", ü, x]
      """
    let root = try #require(try parse(text, firstLine: 7))
    #expect(root["名前"]?.location == at(7, 5))
    guard case .sequence(let items) = root["emoji"]?.kind else {
      Issue.record("emoji is not a list")
      return
    }
    #expect(items.map(\.location.column) == [9, 14, 17])
    #expect(items.first?.scalar == "🙂")
  }

  @Test func manyParsesAndRefusalsLeaveNothingBehind() throws {
    // Exercises every exit path of the libyaml state in one process; run under valgrind to see leaks
    // (scripts in the report); here it checks that repeated use keeps giving the same answers.
    for _ in 0..<200 {
      #expect(refusal("a: [1,\n")?.reason == .syntax)
      #expect(refusal("a: *x\n")?.reason == .undefinedAlias)
      #expect(refusal("a: 1\na: 2\n")?.reason == .duplicateKey)
      #expect(render(try parse("a: &x [1]\nb: *x\n")) == "{a: [1], b: [1]}")
    }
  }
}
