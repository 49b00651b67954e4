import Foundation
import NIOCore
import NIOPosix

/// Runs the real `regsweep` binary, the one SwiftPM built next to the test bundle, in a clean
/// environment: an empty HOME (no Docker config unless a test writes one), a private cache folder,
/// and no REGSWEEP_* variables unless a test passes them.
struct CLI: Sendable {
    /// The folder standing in for HOME; removed by `cleanUp()`.
    let home: String

    init() throws {
        home = FileManager.default.temporaryDirectory.path + "/regsweep-cli-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Runs a fresh `CLI`, removing its HOME afterwards.
    static func with<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (CLI) async throws -> T
    ) async throws -> T {
        let cli = try CLI()
        defer { cli.cleanUp() }
        return try await body(cli)
    }

    /// `regsweep ARGUMENTS` with `stdin`, extra environment variables, and a timeout.
    func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        var base = [
            "HOME": home, "XDG_CACHE_HOME": home + "/cache", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
        ]
        base.merge(environment) { _, new in new }
        return try await ProcessRunner.run(
            try Self.binary(), arguments, stdin: stdin.map { Data($0.utf8) }, environment: base, timeout: timeout)
    }

    /// Writes `HOME/.docker/config.json`.
    func writeDockerConfig(_ json: String) throws {
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(json.utf8).write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
    }

    struct BinaryNotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String { "regsweep is not built; looked in \(searched.joined(separator: ", "))" }
    }

    /// The `regsweep` executable: in the folder of the running test bundle (`.build/<triple>/debug`).
    static func binary() throws -> String {
        var folders: [URL] = []
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        folders.append(me.deletingLastPathComponent())
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // Tests/CLITests/Support/CLI.swift → the package's .build/debug.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        folders.append(package.appendingPathComponent(".build/debug"))
        let candidates = folders.map { $0.appendingPathComponent("regsweep").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BinaryNotFound(searched: candidates)
        }
        return found
    }

    /// A loopback port on which nothing listens (it was free a moment ago).
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw BinaryNotFound(searched: ["no free port"]) }
        return port
    }
}

extension ProcessResult {
    /// The standard output's lines, without the final empty one.
    var lines: [String] {
        stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(
            stdoutText.hasSuffix("\n") ? 1 : 0)
    }
}
