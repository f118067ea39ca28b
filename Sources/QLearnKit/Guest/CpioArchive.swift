import Foundation

/// A newc ("070701") cpio archive written by qlearn itself, the format the kernel unpacks as an initramfs.
///
/// Writing it here rather than with `cpio -o` makes the image byte-for-byte reproducible: entries sorted by path,
/// inode numbers in that order, every mtime 0 and every owner root, whatever the host's files say.
struct CpioArchive {
  enum Content {
    case directory
    case file(URL)
    case data(Data)
    case symlink(String)
  }

  struct Entry {
    var content: Content
    var mode: UInt32
  }

  private(set) var entries: [String: Entry] = [:]

  /// Adds `path` (relative, no leading slash) and any missing parent directories. A later add replaces an earlier one.
  mutating func add(_ path: String, _ content: Content, mode: UInt32) {
    let clean = path.split(separator: "/").joined(separator: "/")
    var parent = ""
    for component in clean.split(separator: "/").dropLast() {
      parent += parent.isEmpty ? String(component) : "/\(component)"
      if entries[parent] == nil { entries[parent] = Entry(content: .directory, mode: 0o755) }
    }
    entries[clean] = Entry(content: content, mode: mode)
  }

  func contains(_ path: String) -> Bool { entries[path.split(separator: "/").joined(separator: "/")] != nil }

  /// Writes the archive to `url`, returning its size in bytes.
  @discardableResult
  func write(to url: URL) throws -> Int {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    var buffer = Data()
    var written = 0
    func flush(force: Bool = false) throws {
      if force || buffer.count > 1 << 20 {
        try handle.write(contentsOf: buffer)
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
      }
    }
    var inode: UInt32 = 1
    for path in entries.keys.sorted() {
      guard let entry = entries[path] else { continue }
      let body: Data
      let type: UInt32
      switch entry.content {
      case .directory:
        body = Data()
        type = 0o040000
      case .file(let source):
        body = try Data(contentsOf: source)
        type = 0o100000
      case .data(let data):
        body = data
        type = 0o100000
      case .symlink(let target):
        body = Data(target.utf8)
        type = 0o120000
      }
      let links: UInt32 = type == 0o040000 ? 2 : 1
      append(&buffer, name: path, mode: type | entry.mode, inode: inode, links: links, body: body)
      inode += 1
      try flush()
    }
    append(&buffer, name: "TRAILER!!!", mode: 0, inode: 0, links: 1, body: Data())
    // The kernel reads the archive in 512-byte blocks; pad as cpio(1) does.
    let total = written + buffer.count
    buffer.append(Data(count: (512 - total % 512) % 512))
    try flush(force: true)
    return written
  }

  private func append(_ buffer: inout Data, name: String, mode: UInt32, inode: UInt32, links: UInt32, body: Data) {
    let nameBytes = Array(name.utf8) + [0]
    let fields: [UInt32] = [
      inode, mode, 0, 0, links, 0, UInt32(body.count), 0, 0, 0, 0, UInt32(nameBytes.count), 0,
    ]
    var header = "070701"
    for field in fields {
      let hex = String(field, radix: 16, uppercase: true)
      header += String(repeating: "0", count: 8 - hex.count) + hex
    }
    let start = buffer.count
    buffer.append(contentsOf: Array(header.utf8))
    buffer.append(contentsOf: nameBytes)
    buffer.append(Data(count: (4 - (buffer.count - start) % 4) % 4))
    buffer.append(body)
    buffer.append(Data(count: (4 - body.count % 4) % 4))
  }
}
