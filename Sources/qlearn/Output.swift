import Foundation

/// Writes a line to standard error (notes and warnings, so standard output stays parseable).
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}
