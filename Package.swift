// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "qlearn",
  platforms: [.macOS(.v13)],
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
    .testTarget(
      name: "QLearnKitTests",
      dependencies: ["QLearnKit", "QLearnWeb"],
      resources: [.copy("Fixtures")]),
  ],
  swiftLanguageModes: [.v6]
)
