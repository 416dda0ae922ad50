// swift-tools-version:6.2
// Tocsin: an escalation daemon for a bank branch server.
//
// Dependency direction: executables → TocsinDaemon → TocsinCore.
// TocsinCore is pure (no sockets, files, processes or SQLite) so the rule language and the
// escalation engine are tested fast and deterministically.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "tocsin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tocsind", targets: ["tocsind"]),
        .executable(name: "tocsinctl", targets: ["tocsinctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .target(name: "TocsinCore", swiftSettings: strict),
        .systemLibrary(
            name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "CTocsinShims"),
        .target(
            name: "TocsinDaemon",
            dependencies: ["TocsinCore", "CSystemd", "CSQLite", "CTocsinShims"],
            swiftSettings: strict),
        .executableTarget(
            name: "tocsind",
            dependencies: [
                "TocsinDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "tocsinctl",
            dependencies: [
                "TocsinDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(name: "TocsinCoreTests", dependencies: ["TocsinCore"], swiftSettings: strict),
        .testTarget(
            name: "TocsinDaemonTests", dependencies: ["TocsinDaemon"], swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["TocsinCore"], swiftSettings: strict),
    ]
)
