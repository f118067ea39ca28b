import Foundation

/// Compressed kernel modules (`.ko.xz`, `.ko.zst`, `.ko.gz`) and how to undo that on the host.
///
/// Debian 6.12 ships every module compressed; busybox's modprobe hands them to the kernel as they are, which logs
/// "Invalid ELF header magic" before falling back. Decompressing once on the host is cheaper than teaching the guest.
enum ModuleFiles {
  static let compressedSuffixes: [(suffix: String, command: String, arguments: [String])] = [
    (".ko.xz", "xz", ["-d", "-f", "-q"]),
    (".ko.zst", "zstd", ["-d", "-f", "-q", "--rm"]),
    (".ko.gz", "gzip", ["-d", "-f", "-q"]),
  ]

  /// Decompresses every compressed module under `directory` in place, a few hundred files per process.
  static func decompressAll(under directory: URL, progress: (String) -> Void) throws {
    guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return }
    var bySuffix: [String: [String]] = [:]
    for case let relative as String in walker {
      if let entry = compressedSuffixes.first(where: { relative.hasSuffix($0.suffix) }) {
        bySuffix[entry.suffix, default: []].append(directory.appendingPathComponent(relative).path)
      }
    }
    let total = bySuffix.values.reduce(0) { $0 + $1.count }
    guard total > 0 else { return }
    progress("decompressing \(total) modules")
    for entry in compressedSuffixes {
      let files = bySuffix[entry.suffix] ?? []
      for start in stride(from: 0, to: files.count, by: 400) {
        let chunk = Array(files[start..<min(start + 400, files.count)])
        try Command(entry.command, entry.arguments + chunk).run()
      }
    }
  }

  /// The module file name without its compression suffix (`nvme.ko.xz` -> `nvme.ko`).
  static func uncompressedName(_ path: String) -> String {
    for entry in compressedSuffixes where path.hasSuffix(entry.suffix) {
      return String(path.dropLast(entry.suffix.count - 3))
    }
    return path
  }

  /// The contents of one module, decompressed when it is compressed.
  static func decompressed(_ source: URL) throws -> Data {
    let path = source.path
    if let entry = compressedSuffixes.first(where: { path.hasSuffix($0.suffix) }) {
      return try Command(entry.command, ["-dc", path]).run().stdout
    }
    return try Data(contentsOf: source)
  }
}
