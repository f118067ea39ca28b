public struct CPUTopology: Sendable, Hashable {
  /// vCPUs online at boot (`-smp N`).
  public var count = 2
  /// Upper bound for CPU hotplug (`maxcpus=`); equals `count` when not set.
  public var maxcpus: Int?
  public var sockets: Int?
  public var cores: Int?
  public var threads: Int?

  public init() {}

  public var effectiveMax: Int { maxcpus ?? count }
}
