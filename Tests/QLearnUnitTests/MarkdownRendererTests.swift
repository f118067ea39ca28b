import QLearnTestSupport
import Testing

@testable import QLearnKit

/// Each Markdown element in plain mode, compared with the exact text a learner sees.
@Suite struct MarkdownRendererTests {
  let plain = MarkdownRenderer(style: .plain)

  @Test func headingsOfEachLevel() {
    #expect(plain.render("# Loading *the* driver\n") == "LOADING THE DRIVER\n══════════════════\n")
    #expect(plain.render("Queues\n------\n") == "Queues\n──────\n")
    #expect(plain.render("### Step `one`\n") == "Step one\n")
  }

  @Test func emphasisStrongAndInlineCodeArePlainWithoutColor() {
    #expect(plain.render("An *italic*, a **bold** and `lsmod | grep nvme`.\n")
      == "An italic, a bold and lsmod | grep nvme.\n")
  }

  @Test func paragraphsAreSeparatedByOneBlankLineAndSoftBreaksRejoin() {
    #expect(plain.render("First line\nsame paragraph.\n\n\n\nSecond.\n") == "First line same paragraph.\n\nSecond.\n")
  }

  @Test func hardBreaksStartANewLine() {
    #expect(plain.render("one\\\ntwo  \nthree\n") == "one\ntwo\nthree\n")
  }

  @Test func linksShowTheirAddressAndAutolinksOnlyOnce() {
    #expect(plain.render("Read [the spec](https://nvmexpress.org/spec) or <https://qemu.org>.\n")
      == "Read the spec <https://nvmexpress.org/spec> or <https://qemu.org>.\n")
    #expect(plain.render("[empty]() link\n") == "empty link\n")
  }

  @Test func imagesShowAltTextAndAddress() {
    #expect(plain.render("![queue *pairs*](img/queues.png \"title\")\n") == "[image: queue pairs] <img/queues.png>\n")
  }

  @Test func bulletListsNestWithTheirOwnMarkers() {
    let markdown = """
      - kernel
        - nvme
          - nvme-core
      - qemu

      """
    #expect(plain.render(markdown) == "• kernel\n  ◦ nvme\n    ▪ nvme-core\n• qemu\n")
  }

  @Test func orderedListsKeepTheirStartAndAlignNumbers() {
    let markdown = """
      8) eight
      9) nine
      10) ten
          1. inner one
          2. inner two

      """
    #expect(
      plain.render(markdown)
        == " 8) eight\n 9) nine\n10) ten\n    1. inner one\n    2. inner two\n")
  }

  @Test func looseListsKeepBlankLinesAndWrapInsideTheItem() {
    let style = TerminalStyle(color: false, width: 24)
    let markdown = """
      1. Boot the guest and wait for the prompt.

      2. Load the module.

      """
    #expect(
      MarkdownRenderer(style: style).render(markdown)
        == "1. Boot the guest and\n   wait for the prompt.\n\n2. Load the module.\n")
  }

  @Test func blockQuotesArePrefixedOnEveryLineIncludingBlankOnes() {
    #expect(plain.render("> Note: slow.\n>\n> > nested\n") == "│ Note: slow.\n│\n│ │ nested\n")
  }

  @Test func thematicBreakIsARuleAsWideAsTheText() {
    let style = TerminalStyle(color: false, width: 30)
    let rule = String(repeating: "─", count: 30)
    #expect(MarkdownRenderer(style: style).render("a\n\n***\n\nb\n") == "a\n\n" + rule + "\n\nb\n")
  }

  @Test func commandBlocksGetALabelAndAPromptPerLine() {
    let markdown = """
      ```guest
      modprobe nvme
      ls /dev/nvme*
      ```

      ```monitor
      info pci
      ```

      ```host
      qemu-img create -f qcow2 \\
        disk.qcow2 1G
      ```

      """
    #expect(
      plain.render(markdown) == """
          guest shell
          vm# modprobe nvme
          vm# ls /dev/nvme*

          QEMU monitor
          (qemu) info pci

          host
          host$ qemu-img create -f qcow2 \\
                  disk.qcow2 1G

        """)
  }

  @Test func otherCodeBlocksAreIndentedListingsThatNeverWrap() {
    let style = TerminalStyle(color: false, width: 20)
    let markdown = "```c\nstatic int nvme_probe(struct pci_dev *pdev)\n\treturn 0;\n```\n\n    indented code\n"
    #expect(
      MarkdownRenderer(style: style).render(markdown)
        == "    static int nvme_probe(struct pci_dev *pdev)\n        return 0;\n\n    indented code\n")
  }

  @Test func rawHTMLIsShownAsTextAndCommentsAreDropped() {
    let markdown = "<div class=\"x\">\n<script>alert(1)</script>\n</div>\n\n<!-- author note -->\n\nText <b>bold</b>.\n"
    #expect(plain.render(markdown) == "<div class=\"x\">\n<script>alert(1)</script>\n</div>\n\nText <b>bold</b>.\n")
  }

  @Test func tablesKeepTheirRowsAsCmarkGivesThem() {
    let markdown = "| queue | depth |\n|---|---|\n| admin | 32 |\n"
    #expect(plain.render(markdown) == "| queue | depth |\n|---|---|\n| admin | 32 |\n")
  }

  @Test func paragraphsWrapAtTheWidthWithoutBreakingCodeOrURLs() {
    let style = TerminalStyle(color: false, width: 20)
    let markdown = "Run `cat /sys/class/nvme/nvme0/model` and see <https://example.org/a/long/path> now.\n"
    #expect(
      MarkdownRenderer(style: style).render(markdown)
        == "Run\ncat /sys/class/nvme/nvme0/model\nand see\n<https://example.org/a/long/path>\nnow.\n")
  }

  @Test func wrappingCountsWideCharactersAsTwoColumns() {
    let style = TerminalStyle(color: false, width: 20)
    // Each 漢字 word is 4 columns: four of them with spaces take 19.
    #expect(MarkdownRenderer(style: style).render("漢字 漢字 漢字 漢字 漢字\n") == "漢字 漢字 漢字 漢字\n漢字\n")
  }

  @Test func everyLineFitsTheWidthForOrdinaryProse() {
    let style = TerminalStyle(color: false, width: 32)
    let prose = String(repeating: "The submission queue holds commands for the controller. ", count: 20)
    let output = MarkdownRenderer(style: style).render("> - " + prose + "\n")
    let lines = output.split(separator: "\n")
    #expect(lines.count > 20)
    #expect(lines.allSatisfy { TerminalText.width(of: String($0)) <= 32 })
  }

  @Test func emptyDocumentRendersNothing() {
    #expect(plain.render("") == "")
    #expect(plain.render("\n\n<!-- only a comment -->\n") == "")
  }

  @Test func colourModeStylesWithTheRenderersOwnCodesAndResetsEachFragment() {
    let color = MarkdownRenderer(style: TerminalStyle(color: true, width: 80))
    #expect(color.render("a **b** `c`\n") == "a \u{1B}[1mb\u{1B}[0m \u{1B}[36mc\u{1B}[0m\n")
    #expect(
      color.render("```guest\nls\n```\n") == "\u{1B}[2m  guest shell\u{1B}[0m\n  \u{1B}[1;32mvm# \u{1B}[0mls\n")
  }

  @Test func absurdNestingIsFlattenedInsteadOfOverflowingTheStack() {
    let quotes = String(repeating: "> ", count: 5_000) + "deep\n"
    let output = plain.render(quotes)
    #expect(output.contains("deep"))
    #expect(output.filter { $0 == "│" }.count == CmarkParser.maximumBlockDepth)
    let emphasis = String(repeating: "*a ", count: 2_000) + "x" + String(repeating: " b*", count: 2_000) + "\n"
    #expect(plain.render(emphasis).contains("x"))
  }
}
