import Foundation

/// The shared libraries (and the dynamic loader) a host program needs, as `ldd` names them.
enum SharedLibraries {
  /// Paths of the libraries `executable` loads, including the loader itself; empty for a static or script file.
  static func of(_ executable: URL) throws -> [String] {
    let output = try Command("ldd", [executable.path]).output()
    // ldd exits 1 with "not a dynamic executable" for static binaries and scripts: they need nothing.
    guard output.status == 0 else { return [] }
    var paths: [String] = []
    for raw in output.stdoutText.split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.contains("=> not found") {
        throw GuestImageError.missingLibrary(program: executable.path, line: line)
      }
      let candidate: Substring
      if let arrow = line.range(of: "=> ") {
        candidate = line[arrow.upperBound...]
      } else if line.hasPrefix("/") {
        candidate = Substring(line)
      } else {
        continue
      }
      let path = candidate.split(separator: " ").first.map(String.init) ?? ""
      if path.hasPrefix("/"), !paths.contains(path) { paths.append(path) }
    }
    return paths
  }
}
