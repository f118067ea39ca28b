import Foundation

public enum PoolError: Error, LocalizedError, Equatable {
  /// Booting one more guest of `lesson` would take the pool past its memory budget.
  case overBudget(lesson: String, needed: UInt64, held: UInt64, budget: UInt64, origin: String)
  /// The pool already holds `count` guests of `lesson` booted from the same inputs.
  case full(lesson: String, count: Int)
  case badBudget(String)
  case disabled
  /// A start, an option or a lesson that cannot use a pooled guest.
  case notPoolable(lesson: String, reason: String)

  public var errorDescription: String? {
    switch self {
    case .overBudget(let lesson, let needed, let held, let budget, let origin):
      "Not booting a pooled VM of '\(lesson)': it needs up to \(PoolBudget.format(needed)) and the pool holds "
        + "\(PoolBudget.format(held)) of its \(PoolBudget.format(budget)) budget (\(origin))."
    case .full(let lesson, let count):
      "The pool already holds \(count) VM\(count == 1 ? "" : "s") of '\(lesson)' booted from the same lesson file, kernel and initramfs."
    case .badBudget(let text):
      "The pool budget '\(text)' is neither a size (2G, 768M) nor a share of available memory (40%)."
    case .disabled:
      "The warm pool is off (\(WarmPool.sizeVariable)=0)."
    case .notPoolable(let lesson, let reason):
      "'\(lesson)' cannot be pooled: \(reason)."
    }
  }

  public var recoverySuggestion: String? {
    switch self {
    case .overBudget:
      "`qlearn pool drain` frees the pool; --budget or \(PoolBudget.environmentVariable) (e.g. 2G or 50%) raises the budget."
    case .full: "`qlearn start` adopts one; `qlearn pool fill --size N` keeps more."
    case .badBudget: "Give --budget 2G, --budget 40%, or unset \(PoolBudget.environmentVariable)."
    case .disabled: "Unset \(WarmPool.sizeVariable) or set it to the number of VMs to keep per lesson."
    case .notPoolable: nil
    }
  }
}
