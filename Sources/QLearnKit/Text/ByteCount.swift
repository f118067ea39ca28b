import Foundation

/// A size in bytes, read the way QEMU reads `-m` and `size=`: a bare number is bytes, and `K`, `M`, `G`, `T` (optionally
/// followed by `iB` or `B`) are powers of 1024.
public struct ByteCount: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var bytes: UInt64

  public init(bytes: UInt64) { self.bytes = bytes }

  public init?(parsing text: String) {
    var digits = Substring(text.trimmingCharacters(in: .whitespaces))
    var unit: UInt64 = 1
    for suffix in ["iB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
      digits = digits.dropLast(suffix.count)
      break
    }
    if let last = digits.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last).uppercased()] {
      unit = 1 << (10 * UInt64(power))
      digits = digits.dropLast()
    }
    guard let value = UInt64(digits), value > 0 else { return nil }
    let (product, overflow) = value.multipliedReportingOverflow(by: unit)
    guard !overflow else { return nil }
    bytes = product
  }

  public var mebibytes: UInt64 { bytes >> 20 }

  /// The shortest exact spelling QEMU accepts: `2G`, `256M`, `4096K` or a byte count.
  public var description: String {
    for (suffix, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] as [(String, UInt64)]
    where bytes % (1 << shift) == 0 {
      return "\(bytes >> shift)\(suffix)"
    }
    return "\(bytes)"
  }

  public static func < (a: ByteCount, b: ByteCount) -> Bool { a.bytes < b.bytes }
}
