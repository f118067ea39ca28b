import ArgumentParser
import Foundation
import QLearnKit

extension QLearn {
  struct Kernels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the kernels qlearn can boot: cached ones, the host's, and Debian packages it can fetch.",
      discussion: """
        `qlearn start LESSON --kernel-version 6.12` boots a listed version (fetched on first use with apt-get download, \
        no root needed); `--kernel PATH --modules DIR` boots your own build.
        """)

    @OptionGroup var course: CourseOptions

    func run() async throws {
      let provider = KernelProvider(cacheDirectory: course.paths.cache.appendingPathComponent("kernels"))
      var rows: [[String]] = [["VERSION", "SOURCE", "STATE"]]
      for candidate in try provider.available() {
        let size = candidate.downloadSize.map { " (\($0 >> 20) MB download)" } ?? ""
        rows.append([candidate.version, "\(candidate.source)", candidate.isCached ? "ready" : "fetched on first use" + size])
      }
      print(Table.render(rows))
    }
  }
}
