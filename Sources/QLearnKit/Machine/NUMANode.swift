public struct NUMANode: Sendable, Hashable {
  public var memory: ByteCount
  public var cpus: [Int]
  public var location: SourceLocation
}
