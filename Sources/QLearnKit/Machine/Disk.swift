/// A disk image qlearn creates for the session with `qemu-img` (never a host file the lesson names).
public struct Disk: Sendable, Hashable {
  public enum Format: String, Sendable, Hashable, CaseIterable { case qcow2, raw }
  public var id: String
  public var size: ByteCount
  public var format: Format
  public var location: SourceLocation
}
