/// Memory behind a DIMM or NVDIMM. A `file` backend lives in the session directory.
public struct MemoryBackend: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable { case ram, file }
  public var id: String
  public var kind: Kind
  public var size: ByteCount
  public var share: Bool
  public var location: SourceLocation
}
