// swift-tools-version:6.0
// libFuzzer targets for qlearn's untrusted-input front end. Not part of the main build: Benchmarks/fuzz.sh builds them
// with `-sanitize=fuzzer,address` and runs each for a given time over a corpus seeded from Lessons/, Checks/ and the
// lint fixtures.
import PackageDescription

let fuzzerFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "qlearn-fuzz",
  dependencies: [.package(name: "qlearn", path: "..")],
  targets: [
    .executableTarget(
      name: "FuzzLesson", dependencies: [.product(name: "QLearnKit", package: "qlearn")], swiftSettings: fuzzerFlags),
    .executableTarget(
      name: "FuzzCheckFile", dependencies: [.product(name: "QLearnKit", package: "qlearn")], swiftSettings: fuzzerFlags),
    .executableTarget(
      name: "FuzzMarkdown", dependencies: [.product(name: "QLearnKit", package: "qlearn")], swiftSettings: fuzzerFlags),
  ],
  swiftLanguageModes: [.v6]
)
