import Foundation

/// Size and SHA-256 of a cached file (a kernel, a vmlinux, an initramfs image), written beside it as `<name>.sum` when
/// it is made and checked when it is used, so a truncated or damaged file is rebuilt instead of booting into a panic.
///
/// The sum file holds `<size> <sha256> <mtime>`. The size is compared at every use; the hash is recomputed only when
/// the file's modification time is not the one recorded (the last time it was hashed), so a file nobody touched costs
/// one `stat`.
enum CacheIntegrity {
  enum Verdict: Equatable {
    case intact
    /// Why it cannot be used (`8673792 bytes where 17437696 were written`).
    case damaged(String)
    /// Made before qlearn kept sums: nothing to compare with.
    case unrecorded
  }

  static func sumFile(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".sum")
  }

  /// Records the file's size, hash and modification time beside it.
  static func record(_ url: URL) throws {
    let stamp = try stamp(url)
    let text = "\(stamp.size) \(try hash(url)) \(stamp.mtime)\n"
    try Data(text.utf8).write(to: sumFile(for: url), options: .atomic)
  }

  static func verify(_ url: URL) -> Verdict {
    guard let text = try? String(contentsOf: sumFile(for: url), encoding: .utf8) else { return .unrecorded }
    let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
    guard fields.count == 3, let size = UInt64(fields[0]) else { return .unrecorded }
    guard let now = try? stamp(url) else { return .damaged("it cannot be read") }
    if now.size != size { return .damaged("\(now.size) bytes where \(size) were written") }
    if now.mtime == fields[2] { return .intact }
    guard let hash = try? hash(url) else { return .damaged("it cannot be read") }
    if hash != fields[1] { return .damaged("its SHA-256 is not the one recorded when it was made") }
    try? Data("\(size) \(hash) \(now.mtime)\n".utf8).write(to: sumFile(for: url), options: .atomic)
    return .intact
  }

  /// Removes the file and its sum.
  static func remove(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
    try? FileManager.default.removeItem(at: sumFile(for: url))
  }

  static func stamp(_ url: URL) throws -> (size: UInt64, mtime: String) {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return (size, String(format: "%.6f", mtime))
  }

  /// `sha256sum`: tens of megabytes in a fraction of a second, where the in-process ``SHA256`` (made for cache keys)
  /// takes seconds.
  static func hash(_ url: URL) throws -> String {
    let output = try Command("sha256sum", ["--", url.path]).run().stdoutText
    guard let hash = output.split(separator: " ").first, hash.count == 64 else {
      throw CacheSpaceError.cannotWrite(path: url.path, what: "a checksum", reason: "sha256sum printed no hash")
    }
    return String(hash)
  }

  /// Whether an uncompressed newc archive ends with its trailer (a truncated one does not): for images made before
  /// sums were kept.
  static func cpioLooksComplete(_ url: URL) -> Bool {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
    defer { try? handle.close() }
    guard let end = try? handle.seekToEnd(), end > 0 else { return false }
    try? handle.seek(toOffset: end > 1024 ? end - 1024 : 0)
    let tail = (try? handle.readToEnd()) ?? Data()
    return tail.range(of: Data("TRAILER!!!".utf8)) != nil
  }
}
