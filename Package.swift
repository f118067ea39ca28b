// swift-tools-version:6.0
import PackageDescription

// qlearn runs on Linux only: it boots guests with Linux's QEMU, /dev/kvm, ptys, epoll-free poll loops, posix_spawn
// signal masks and Glibc, and its Darwin branches were never finished. Say so here, before anything compiles.
#if !os(Linux)
  #error("qlearn builds and runs on Linux only (Debian 12 is what it is tested on); see README.md.")
#endif

let package = Package(
  name: "qlearn",
  products: [
    .executable(name: "qlearn", targets: ["qlearn"]),
    .library(name: "QLearnKit", targets: ["QLearnKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(
      name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
    .systemLibrary(
      name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .target(
      name: "QLearnKit",
      dependencies: ["CYAML", "CCmark", "CSQLite"]),
    .target(
      name: "QLearnWeb",
      dependencies: [
        "QLearnKit",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
      ]),
    .executableTarget(
      name: "qlearn",
      dependencies: [
        "QLearnKit",
        "QLearnWeb",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Tests: fast pure-logic unit tests (run in parallel), integration tests that boot QEMU, drive tmux, a browser or
    // the built qlearn (run serially), and what both share: helpers, fixtures, and a progress writer to kill.
    .target(
      name: "QLearnTestSupport",
      dependencies: ["QLearnKit"],
      path: "Tests/QLearnTestSupport",
      resources: [.copy("Fixtures")]),
    .executableTarget(
      name: "progress-recorder",
      dependencies: ["QLearnKit"],
      path: "Tests/ProgressRecorder"),
    .testTarget(
      name: "QLearnUnitTests",
      dependencies: ["QLearnKit", "QLearnWeb", "QLearnTestSupport", "qlearn"]),
    .testTarget(
      name: "QLearnIntegrationTests",
      dependencies: ["QLearnKit", "QLearnWeb", "QLearnTestSupport", "qlearn", "progress-recorder"]),
  ],
  swiftLanguageModes: [.v6]
)
