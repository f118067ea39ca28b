import Foundation

/// An executable of this package that `swift build` put beside the test bundle (`qlearn`, `progress-recorder`).
public func builtExecutableURL(_ name: String) throws -> URL {
  var starts = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments.first ?? "")]
  if let executable = Bundle.main.executableURL { starts.append(executable) }
  for start in starts {
    var directory = start.resolvingSymlinksInPath()
    for _ in 0..<2 {
      let candidate = directory.appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
      directory.deleteLastPathComponent()
    }
  }
  let fallback = Repository.root.appendingPathComponent(".build/debug/\(name)")
  guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
    throw NotBuilt(name: name, searched: starts.map(\.path) + [fallback.path])
  }
  return fallback
}

/// The built `qlearn` executable.
public func qlearnExecutableURL() throws -> URL { try builtExecutableURL("qlearn") }

/// A package executable the tests need was not found.
public struct NotBuilt: Error, LocalizedError {
  public var name: String
  public var searched: [String]
  public var errorDescription: String? {
    "\(name) executable not found; looked in \(searched). Run `swift build --build-tests` first."
  }
}
