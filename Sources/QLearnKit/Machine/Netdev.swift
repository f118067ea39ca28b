/// A network backend. `tap` needs host privileges (declare `requires: [tap]`); qlearn names the tap interface.
public struct Netdev: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable { case user, tap }
  public var id: String
  public var kind: Kind
  public var queues: Int?
  public var vhost: Bool?
  public var location: SourceLocation
}
