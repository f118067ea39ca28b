import ArgumentParser
import Foundation
import QLearnKit
import QLearnWeb

extension QLearn {
  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the course in a web browser: each lesson beside its live console, with a Check button.",
      discussion: """
        Prints a URL with a secret token (as Jupyter does): open it in a browser on this machine. Without the token \
        every request gets 403. The pages use the same progress and the same VMs as the command line: a VM started \
        with `qlearn start` appears in the page, and a step checked in the page shows in `qlearn progress`.

        By default the server listens on 127.0.0.1 only. `--listen ADDRESS` listens elsewhere: whoever can reach that \
        address and has the token can then start and stop VMs and type as root in their consoles.

        Examples:
          qlearn serve
          qlearn serve --port 8080
          qlearn serve --accel tcg
        """)

    @Option(help: ArgumentHelp("The port to listen on (default: a free one).", valueName: "port"))
    var port: Int = 0

    @Option(
      help: ArgumentHelp(
        "The address to listen on (default: 127.0.0.1). Another address exposes the VMs' root consoles to anyone who reaches it with the token.",
        valueName: "address"))
    var listen: String = "127.0.0.1"

    @OptionGroup var boot: BootOptions
    @OptionGroup var course: CourseOptions

    func validate() throws {
      if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
      if listen.isEmpty || listen.count > 253 || !listen.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:-".contains($0)) }) {
        throw ValidationError("--listen takes an IP address or host name, such as 127.0.0.1 or 0.0.0.0.")
      }
    }

    func run() async throws {
      var configuration = WebConfiguration(lessonFolders: course.lessonFolders, paths: course.paths)
      configuration.host = listen
      configuration.port = port
      configuration.launchOptions = try boot.launchOptions()
      if !["127.0.0.1", "localhost", "::1"].contains(listen) {
        printError(
          "warning: listening on \(listen), not only on this machine: anyone who can reach it and has the URL below can start and stop VMs and type as root in their consoles. The connection is not encrypted.")
      }
      let server = WebServer(configuration: configuration)
      try await server.run { url in
        print("qlearn serves the course at:\n\n    \(url.absoluteString)\n\nOpen that URL in a browser (it carries the access token). Ctrl-C stops the server; the VMs keep running.")
        fflush(nil)
      }
    }
  }
}
