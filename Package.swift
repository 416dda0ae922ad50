// swift-tools-version:6.2
// Tocsin: an escalation daemon for a bank branch server.
//
// Dependency direction: executables → TocsinDaemon → TocsinStore / TocsinClient →
// TocsinSystem → TocsinCore (docs/architecture.md). TocsinCore is pure (no sockets, files,
// processes or SQLite) so the rule language and the escalation engine are tested fast and
// deterministically. tocsinctl never depends on TocsinDaemon.
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
            name: "TocsinSystem", dependencies: ["TocsinCore", "CTocsinShims"], swiftSettings: strict),
        .target(
            name: "TocsinStore", dependencies: ["TocsinCore", "TocsinSystem", "CSQLite"], swiftSettings: strict),
        .target(
            name: "TocsinClient", dependencies: ["TocsinCore", "TocsinSystem", "CTocsinShims"], swiftSettings: strict),
        .target(
            name: "TocsinDaemon",
            dependencies: ["TocsinCore", "TocsinSystem", "TocsinStore", "TocsinClient", "CSystemd", "CSQLite", "CTocsinShims"],
            swiftSettings: strict),
        .executableTarget(
            name: "tocsind",
            dependencies: [
                "TocsinDaemon", "TocsinSystem", "TocsinClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "tocsinctl",
            dependencies: [
                "TocsinCore", "TocsinSystem", "TocsinStore", "TocsinClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(name: "TocsinCoreTests", dependencies: ["TocsinCore"], swiftSettings: strict),
        .testTarget(
            name: "TocsinDaemonTests", dependencies: ["TocsinDaemon", "TocsinStore", "TocsinSystem", "TocsinClient"],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["TocsinCore"], swiftSettings: strict),
    ]
)
