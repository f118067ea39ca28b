import Foundation

/// Reads what qlearn needs from a bzImage: its release string and its compressed vmlinux.
///
/// Booting the uncompressed ELF through its PVH entry skips the decompressor and real-mode setup, which under TCG is
/// the largest single saving (~2 s of ~4.5 s). The bzImage's setup header says where the payload lies
/// (`payload_offset`/`payload_length`); a search for the compressors' magic numbers is the fallback.
public enum KernelImage {
  /// The compressors a Debian or self-built x86 kernel uses, with the magic its payload starts with.
  enum Compression: CaseIterable {
    case xz, zstd, gzip

    var magic: [UInt8] {
      switch self {
      case .xz: return [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
      case .zstd: return [0x28, 0xB5, 0x2F, 0xFD]
      case .gzip: return [0x1F, 0x8B, 0x08]
      }
    }

    var command: Command {
      switch self {
      case .xz: return Command("xz", ["-dc", "--single-stream"])
      case .zstd: return Command("zstd", ["-dcq"])
      case .gzip: return Command("gzip", ["-dc"])
      }
    }
  }

  /// The kernel release (`6.1.0-56-amd64`) from the setup header's `kernel_version` string.
  public static func release(ofBzImage url: URL) throws -> String {
    let data = try Data(contentsOf: url, options: .mappedIfSafe)
    guard data.count > 0x210, data[0x202..<0x206].elementsEqual(Array("HdrS".utf8)) else {
      throw KernelError.unknownVersion(path: url.path)
    }
    let pointer = Int(data[0x20E]) | Int(data[0x20F]) << 8
    let start = pointer + 0x200
    guard pointer != 0, start < data.count else { throw KernelError.unknownVersion(path: url.path) }
    let bytes = data[start..<min(start + 256, data.count)].prefix { $0 != 0 && $0 != 0x20 }
    let release = String(decoding: bytes, as: UTF8.self)
    guard !release.isEmpty else { throw KernelError.unknownVersion(path: url.path) }
    return release
  }

  /// Decompresses the bzImage's payload into `destination` and checks the result is an ELF file.
  ///
  /// - Returns: whether the ELF carries a PVH entry note (`XEN_ELFNOTE_PHYS32_ENTRY`); QEMU's `-kernel` only boots an
  ///   ELF that has one, so callers should fall back to the bzImage when this is false.
  @discardableResult
  public static func extractVmlinux(from bzImage: URL, to destination: URL) throws -> Bool {
    let data = try Data(contentsOf: bzImage, options: .mappedIfSafe)
    var lastError: Error = KernelError.noPayload(path: bzImage.path)
    for (offset, length, compression) in payloadCandidates(in: data) {
      var command = compression.command
      command.input = data.subdata(in: offset..<(offset + length))
      do {
        let result = try command.output()
        // A few trailing bytes (the appended size word) make gzip and zstd complain after a complete stream, so judge
        // by what came out rather than by the exit status.
        guard result.stdout.count > 1 << 20, isELF(result.stdout) else {
          lastError = KernelError.notELF(path: bzImage.path)
          continue
        }
        let temporary = destination.deletingLastPathComponent()
          .appendingPathComponent(".\(destination.lastPathComponent).\(getpid()).tmp")
        try result.stdout.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
        return hasPVHNote(result.stdout)
      } catch {
        lastError = error
      }
    }
    throw lastError
  }

  /// Where the payload may be: first the setup header's own figures, then each magic number found in the file.
  static func payloadCandidates(in data: Data) -> [(Int, Int, Compression)] {
    var result: [(Int, Int, Compression)] = []
    func compression(at offset: Int) -> Compression? {
      Compression.allCases.first { c in
        offset + c.magic.count <= data.count
          && data[(data.startIndex + offset)..<(data.startIndex + offset + c.magic.count)].elementsEqual(c.magic)
      }
    }
    if data.count > 0x250, data[0x202..<0x206].elementsEqual(Array("HdrS".utf8)) {
      let setupSectors = Int(data[0x1F1]) == 0 ? 4 : Int(data[0x1F1])
      let offset = (setupSectors + 1) * 512 + Int(readLE32(data, 0x248))
      let length = Int(readLE32(data, 0x24C))
      if length > 4, offset + length <= data.count, let c = compression(at: offset) {
        result.append((offset, length - 4, c))
      }
    }
    let bytes = [UInt8](data)
    for c in Compression.allCases {
      let magic = c.magic
      var i = 0
      var found = 0
      while i + magic.count <= bytes.count, found < 4 {
        if bytes[i] == magic[0], Array(bytes[i..<(i + magic.count)]) == magic {
          if !result.contains(where: { $0.0 == i }) { result.append((i, bytes.count - i, c)) }
          found += 1
        }
        i += 1
      }
    }
    return result
  }

  static func readLE32(_ data: Data, _ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(data[data.startIndex + offset + $1]) << (8 * UInt32($1)) }
  }

  static func readLE(_ bytes: Data, _ offset: Int, _ count: Int) -> Int {
    (0..<count).reduce(0) { $0 | Int(bytes[bytes.startIndex + offset + $1]) << (8 * $1) }
  }

  static func isELF(_ data: Data) -> Bool {
    data.count > 64 && data.prefix(4).elementsEqual([0x7F, 0x45, 0x4C, 0x46])
  }

  /// True when a 64-bit little-endian ELF has a `Xen` note of type 18 (PHYS32_ENTRY) in a PT_NOTE segment.
  public static func hasPVHNote(_ elf: Data) -> Bool {
    guard isELF(elf), elf[elf.startIndex + 4] == 2, elf[elf.startIndex + 5] == 1 else { return false }
    let phoff = readLE(elf, 0x20, 8)
    let phentsize = readLE(elf, 0x36, 2)
    let phnum = readLE(elf, 0x38, 2)
    for index in 0..<phnum {
      let header = phoff + index * phentsize
      guard header + 56 <= elf.count, readLE(elf, header, 4) == 4 /* PT_NOTE */ else { continue }
      var cursor = readLE(elf, header + 8, 8)
      let end = cursor + readLE(elf, header + 32, 8)
      while cursor + 12 <= end, end <= elf.count {
        let nameSize = readLE(elf, cursor, 4)
        let descSize = readLE(elf, cursor + 4, 4)
        let type = readLE(elf, cursor + 8, 4)
        let nameStart = elf.startIndex + cursor + 12
        let name = elf[nameStart..<min(nameStart + nameSize, elf.endIndex)].prefix { $0 != 0 }
        if type == 18, name.elementsEqual(Array("Xen".utf8)) { return true }
        cursor += 12 + (nameSize + 3) / 4 * 4 + (descSize + 3) / 4 * 4
      }
    }
    return false
  }
}
