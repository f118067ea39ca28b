import Foundation

/// Keeps the initramfs cache from growing without bound.
///
/// Every change to a lesson's modules or tools, to the kernel, or to `/init` makes a new image (10 to 40 MB), and the old
/// one is never asked for again: a development machine collected 2.2 GB in 169 images in a day. Serving an image marks
/// it used (its modification time); after each build, images unused for ``maximumAge`` go, then the least recently used
/// until the rest fit in ``budget``. The newest image always stays, so the one about to boot is never removed.
struct ImageCachePruner {
  var directory: URL
  /// Room for the whole course on two kernels several times over (24 lessons, about 15 MB each).
  var budget: Int64 = 2 << 30
  var maximumAge: TimeInterval = 30 * 24 * 3600
  /// Leftovers of a build that died (temporary archives, lock files of images that are gone) older than this go too;
  /// younger ones may belong to a build in progress.
  var leftoverAge: TimeInterval = 24 * 3600

  struct Entry: Equatable {
    var name: String
    var size: Int64
    var lastUse: Date
  }

  /// Marks `image` as just used. Failure only makes the image look older than it is.
  static func markUsed(_ image: URL, now: Date = Date()) {
    // At most once an hour: the age that matters is days, and an untouched modification time lets the image's
    // integrity check (``CacheIntegrity``) skip rehashing it.
    let attributes = try? FileManager.default.attributesOfItem(atPath: image.path)
    if let last = attributes?[.modificationDate] as? Date, now.timeIntervalSince(last) < 3600 { return }
    try? FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: image.path)
  }

  /// The names to remove from `entries` (images only), newest first kept, at time `now`.
  func expired(_ entries: [Entry], now: Date) -> [String] {
    var kept: Int64 = 0
    var removed: [String] = []
    for (index, entry) in entries.sorted(by: { $0.lastUse > $1.lastUse }).enumerated() {
      let tooOld = now.timeIntervalSince(entry.lastUse) > maximumAge
      if index > 0, tooOld || kept + entry.size > budget {
        removed.append(entry.name)
      } else {
        kept += entry.size
      }
    }
    return removed
  }

  /// Removes expired images and old leftovers; returns how many images went and the bytes they held.
  @discardableResult
  func prune(now: Date = Date()) -> (images: Int, bytes: Int64) {
    let manager = FileManager.default
    guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return (0, 0) }
    var images: [Entry] = []
    for name in names {
      let path = directory.appendingPathComponent(name).path
      guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
      let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
      let lastUse = attributes[.modificationDate] as? Date ?? now
      if Self.isImage(name) {
        images.append(Entry(name: name, size: size, lastUse: lastUse))
      } else if name.hasPrefix("."), now.timeIntervalSince(lastUse) > leftoverAge, !hasImage(forLeftover: name, in: names) {
        try? manager.removeItem(atPath: path)
      }
    }
    let removed = expired(images, now: now)
    var bytes: Int64 = 0
    for name in removed {
      if (try? manager.removeItem(at: directory.appendingPathComponent(name))) != nil {
        bytes += images.first { $0.name == name }?.size ?? 0
      }
    }
    return (removed.count, bytes)
  }

  static func isImage(_ name: String) -> Bool {
    !name.hasPrefix(".") && (name.hasSuffix(".cpio") || name.hasSuffix(".cpio.gz"))
  }

  /// `.KEY.lock` belongs to image `KEY.cpio[.gz]`; a temporary `.KEY.PID.cpio` never has one of its own.
  func hasImage(forLeftover name: String, in names: [String]) -> Bool {
    // `.KEY.cpio.sum` is the image's checksum (``CacheIntegrity``): it stays while its image does.
    if name.hasSuffix(".sum") { return names.contains(String(name.dropFirst().dropLast(".sum".count))) }
    guard name.hasSuffix(".lock") else { return false }
    let key = name.dropFirst().dropLast(".lock".count)
    return names.contains("\(key).cpio") || names.contains("\(key).cpio.gz")
  }
}
