/// Words a lesson may add to the guest kernel's command line. qlearn owns the console, init and root settings; the rest
/// must look like `word` or `word=value` with characters that need no quoting.
public enum KernelArgument {
  public static let reserved: Set<String> = ["console", "init", "rdinit", "root", "earlyprintk", "panic"]

  public static func problem(with word: String) -> String? {
    let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
    let allowed: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "_.,:-=/".contains($0)) }
    if word.isEmpty || word.count > 128 || !word.allSatisfy(allowed) || name.isEmpty {
      return "'\(TerminalSafe.clip(word))' is not a kernel argument qlearn accepts: use word or word=value, with letters, digits and _ . , : - / only"
    }
    if reserved.contains(name) {
      return "'\(name)=' is set by qlearn itself (it owns the console, init and root)"
    }
    return nil
  }
}
