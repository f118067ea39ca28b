import Foundation

public enum ParameterType: String, Sendable, CaseIterable {
  case string
  case integer
  /// A regular expression (checked to compile).
  case regex
  /// An absolute path in the guest.
  case guestPath = "guest-path"
  /// An absolute path pattern in the guest, with `*` and `?`.
  case glob
  case boolean
  /// A comparison operator: `==`, `!=`, `<`, `<=`, `>`, `>=`.
  case comparison
  /// A list of one-line strings (`[0000:01, "1"]`) or one string; carried as text, one item per line.
  case strings
}
