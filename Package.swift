// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode comes from the tools version; these add
/// the checks we want on everywhere (one loop instead of repeating them per target).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

var package = Package(
    name: "regsweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "regsweep", targets: ["regsweep"]),
        .library(name: "RegistryClient", targets: ["RegistryClient"]),
        .library(name: "Purge", targets: ["Purge"]),
        .executable(name: "load-benchmark", targets: ["load-benchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        // Property-based tests of every parser that reads a registry's (or a user's) text.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // Policy files: YAML with line and column marks on every node, so errors can point at the text.
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // Core client: the registry HTTP API, auth, models. Knows nothing of purging or terminals.
        .target(
            name: "RegistryClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Synthetic images, indexes and referrers with chosen times; used by `regsweep dev seed` and tests.
        .target(
            name: "RegistryFixtures",
            dependencies: ["RegistryClient", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Test support: a real docker-registry per test, in every auth mode, plus a token issuer.
        .target(
            name: "RegistryTestSupport",
            dependencies: [
                "RegistryClient", "RegistryFixtures",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Purge semantics: policy, planner (pure), inventory, executor, journal, report formats.
        .target(name: "Purge", dependencies: ["RegistryClient"]),
        // Retention policy files: YAML text to a Purge.RetentionPolicy, with positioned errors. Its own
        // target so the planner the browser re-runs on every key stays free of a parser dependency.
        .target(name: "PolicyYAML", dependencies: ["Purge", .product(name: "Yams", package: "Yams")]),
        // Terminal UI building blocks: cells, buffers, display width, backend protocol. Pure.
        .target(name: "TUICore"),
        // The browser: Elm-shaped model/update/render over TUICore. Pure.
        .target(name: "RegistryBrowser", dependencies: ["TUICore", "Purge", "RegistryClient"]),
        // ncursesw from Swift: the only place that touches C curses.
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "NcursesBackend", dependencies: ["TUICore", "CNcursesw"]),
        .executableTarget(
            name: "regsweep",
            dependencies: [
                "RegistryClient", "RegistryFixtures", "Purge", "PolicyYAML", "RegistryBrowser", "NcursesBackend",
                "TUICore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Figures, not assertions: how long one re-plan takes (the browser re-plans on every keystroke).
        .executableTarget(
            name: "planner-benchmark", dependencies: ["Purge", "RegistryClient"], path: "Benchmarks/PlannerBenchmark"),
        // Figures, not assertions: cold and warm purge dry runs on a real registry against the wrk floor.
        .executableTarget(
            name: "load-benchmark",
            dependencies: [
                "RegistryTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/LoadBenchmark"),
        .testTarget(
            name: "RegistryClientTests",
            dependencies: [
                "RegistryClient", "RegistryTestSupport", "RegistryFixtures",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "PurgeTests",
            dependencies: [
                "Purge", "RegistryTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "PolicyYAMLTests", dependencies: ["PolicyYAML", "Purge"]),
        .testTarget(name: "TUICoreTests", dependencies: ["TUICore"]),
        .testTarget(name: "RegistryBrowserTests", dependencies: ["RegistryBrowser", "TUICore", "Purge", "PolicyYAML"]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "regsweep", "RegistryTestSupport", "RegistryFixtures", "RegistryClient", "Purge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
