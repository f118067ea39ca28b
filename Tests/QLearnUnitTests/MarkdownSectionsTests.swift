import QLearnTestSupport
import Testing

@testable import QLearnKit

@Suite struct MarkdownSectionsTests {
  static let lesson = """
    ---
    title: NVMe queues
    # not a heading: front matter
    ---
    # NVMe queues

    Intro text.

    ## Load the driver

    Type this:

    ```guest
    # a shell comment, not a heading
    modprobe nvme
    ```

    ### Check it

    lsmod output.

    ## Inspect  `the` queues

    Look at the admin queue.

    Setext step
    -----------
    Last words.

    """

  @Test func headingsWithTheirLinesInTheWholeFile() {
    let found = MarkdownSections.headings(in: Self.lesson)
    #expect(found.map(\.level) == [1, 2, 3, 2, 2])
    #expect(found.map(\.text) == ["NVMe queues", "Load the driver", "Check it", "Inspect  the queues", "Setext step"])
    #expect(found.map(\.line) == [5, 9, 18, 22, 26])
  }

  @Test func sectionRunsToTheNextHeadingOfTheSameOrHigherLevel() {
    #expect(
      MarkdownSections.section(of: Self.lesson, heading: "Load the driver") == """
        Type this:

        ```guest
        # a shell comment, not a heading
        modprobe nvme
        ```

        ### Check it

        lsmod output.

        """)
  }

  @Test func sectionMatchingIsCaseInsensitiveTrimmedAndIgnoresInlineMarkup() {
    #expect(MarkdownSections.section(of: Self.lesson, heading: "  CHECK IT ") == "lsmod output.\n")
    #expect(MarkdownSections.section(of: Self.lesson, heading: "inspect the queues") == "Look at the admin queue.\n")
  }

  @Test func lastSectionRunsToTheEndAndSetextHeadingsWork() {
    #expect(MarkdownSections.section(of: Self.lesson, heading: "Setext step") == "Last words.\n")
  }

  @Test func topHeadingSectionContainsEverything() throws {
    let all = try #require(MarkdownSections.section(of: Self.lesson, heading: "NVMe queues"))
    #expect(all.hasPrefix("Intro text.\n\n## Load the driver\n"))
    #expect(all.hasSuffix("Last words.\n"))
  }

  @Test func missingHeadingIsNilAndEmptySectionIsEmpty() {
    #expect(MarkdownSections.section(of: Self.lesson, heading: "Unload the driver") == nil)
    #expect(MarkdownSections.section(of: Self.lesson, heading: "a shell comment, not a heading") == nil)
    #expect(MarkdownSections.section(of: "# A\n# B\nb\n", heading: "a") == "")
  }

  @Test func crlfSourcesKeepTheirLineNumbers() {
    let source = "# One\r\ntext\r\n\r\n## Two\r\nmore\r\n"
    #expect(MarkdownSections.headings(in: source).map(\.line) == [1, 4])
    #expect(MarkdownSections.section(of: source, heading: "two") == "more\n")
  }
}
