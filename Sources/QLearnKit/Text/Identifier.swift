/// Ids that lessons give devices, disks and steps.
public enum Identifier {
  public static func isValid(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, text.count <= 32,
      ("a"..."z").contains(first) || ("A"..."Z").contains(first)
    else { return false }
    return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
  }
}
