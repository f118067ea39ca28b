/// Where the commands of a fenced code block are meant to be typed, from the fence info string's first word.
///
/// Lessons constantly switch between three shells; mixing them up (running `rmmod` on the host, `info qtree` in the
/// guest) is the commonest learner mistake, so each gets a label line and its own prompt even without colour.
enum CodeBlockKind: Sendable, Equatable {
  /// ```` ```guest ````: the VM's shell.
  case guest
  /// ```` ```monitor ````: the QEMU monitor.
  case monitor
  /// ```` ```host ````: the learner's own machine.
  case host
  /// No info string or any other (a language name): a plain listing, no prompt.
  case listing

  init(info: String) {
    let firstWord = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
    switch firstWord.lowercased() {
    case "guest": self = .guest
    case "monitor": self = .monitor
    case "host": self = .host
    default: self = .listing
    }
  }

  var label: String? {
    switch self {
    case .guest: return "guest shell"
    case .monitor: return "QEMU monitor"
    case .host: return "host"
    case .listing: return nil
    }
  }

  var prompt: String {
    switch self {
    case .guest: return "vm# "
    case .monitor: return "(qemu) "
    case .host: return "host$ "
    case .listing: return ""
    }
  }

  var promptAttributes: TextAttributes {
    switch self {
    case .guest: return [.bold, .guestPrompt]
    case .monitor: return [.bold, .monitorPrompt]
    case .host: return [.bold, .hostPrompt]
    case .listing: return []
    }
  }
}
