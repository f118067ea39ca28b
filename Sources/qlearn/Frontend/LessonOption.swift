import ArgumentParser

/// `--lesson <id>`: the lesson whose VM a command works on, for every command that grades or uses a running VM.
struct LessonOption: ParsableArguments {
  @Option(
    name: .customLong("lesson"), help: ArgumentHelp("The lesson (default: the only running one).", valueName: "id"))
  var id: String?
}
