/// A check the freshly booted guest must pass for the lesson to make sense there, and the reason in words a learner
/// understands when it does not (which kernels or accelerators lack it, and what to use instead).
public struct GuestRequirement: Sendable {
  public var check: CheckUse
  public var because: String
}
