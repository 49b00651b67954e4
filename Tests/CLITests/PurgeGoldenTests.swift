import Foundation
import RegistryTestSupport
import Testing

/// The article's five `acr purge` commands, run through the real binary against a real registry
/// seeded as the article describes; the output must have the article's structure, order and counts.
@Suite struct PurgeGoldenTests {
    static let banner =
        "DRY RUN: The following output shows what WOULD be deleted if the purge command was executed. Nothing is deleted."

    static let cases: [(arguments: [String], expected: String)] = [
        (
            ["--filter", "another-app:2.0.0", "--ago", "0d"],
            """
            \(banner)
            This repository would be deleted: another-app
            R/another-app:2.0.0

            Number of tags to be deleted: 1
            Number of manifests to be deleted: 0
            """
        ),
        (
            ["--filter", "my-app:^((?!prod|dev).)*$", "--untagged", "--ago", "0d"],
            """
            \(banner)
            This repository would be deleted: my-app
            R/my-app:4.0.0
            R/my-app:3.0.0
            R/my-app:2.0.0
            R/my-app:1.0.0
            Manifests for this repository would be deleted: my-app
            R/my-app@D
            R/my-app@D
            R/my-app@D

            Number of tags to be deleted: 4
            Number of manifests to be deleted: 3
            """
        ),
        (
            ["--filter", ".*:^((?!prod|dev).)*$", "--untagged", "--ago", "0d"],
            """
            \(banner)
            This repository would be deleted: another-app
            R/another-app:2.0.0
            R/another-app:1.0.0
            Manifests for this repository would be deleted: another-app
            R/another-app@D
            This repository would be deleted: my-app
            R/my-app:4.0.0
            R/my-app:3.0.0
            R/my-app:2.0.0
            R/my-app:1.0.0
            Manifests for this repository would be deleted: my-app
            R/my-app@D
            R/my-app@D
            R/my-app@D

            Number of tags to be deleted: 6
            Number of manifests to be deleted: 4
            """
        ),
        (
            ["--filter", ".*:.*", "--untagged", "--ago", "0d"],
            """
            \(banner)
            This repository would be deleted: another-app
            R/another-app:2.0.0
            R/another-app:dev
            R/another-app:1.0.0
            Manifests for this repository would be deleted: another-app
            R/another-app@D
            R/another-app@D
            This repository would be deleted: my-app
            R/my-app:4.0.0
            R/my-app:dev
            R/my-app:3.0.0
            R/my-app:prod
            R/my-app:2.0.0
            R/my-app:1.0.0
            Manifests for this repository would be deleted: my-app
            R/my-app@D
            R/my-app@D
            R/my-app@D
            R/my-app@D
            R/my-app@D

            Number of tags to be deleted: 9
            Number of manifests to be deleted: 7
            """
        ),
        (
            ["--filter", "my-app:.*", "--keep", "3", "--untagged", "--ago", "0d"],
            """
            \(banner)
            This repository would be deleted: my-app
            R/my-app:prod
            R/my-app:2.0.0
            R/my-app:1.0.0
            Manifests for this repository would be deleted: my-app
            R/my-app@D
            R/my-app@D
            R/my-app@D

            Number of tags to be deleted: 3
            Number of manifests to be deleted: 3
            """
        ),
    ]

    @Test func theArticlesFiveCommands() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            for (arguments, expected) in Self.cases {
                let run = try await PurgeCLI.run(["purge", "-r", registry.host, "--dry-run"] + arguments)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                let normalized = PurgeCLI.normalize(run.stdout, registry: registry.host)
                #expect(normalized == expected, "\(arguments)")
                // Manifests are listed by digest, ascending, within each repository.
                var lastRepository = ""
                var lastDigest = ""
                for line in run.stdout.split(separator: "\n") where line.contains("@sha256:") {
                    let parts = line.split(separator: "@")
                    let (repository, digest) = (String(parts[0]), String(parts[1]))
                    if repository == lastRepository { #expect(digest > lastDigest) }
                    (lastRepository, lastDigest) = (repository, digest)
                }
            }
            // A dry run changes nothing.
            #expect(try await registry.skopeoTags("my-app") == ["1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev", "prod"])
        }
    }

    @Test func aRealRunPrintsDeletionsAndCountsAndRestoreUndoesIt() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let before = try await registry.tagMap("my-app")
            let journal = FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID().uuidString).jsonl")
                .path
            let run = try await PurgeCLI.run([
                "purge", "-r", registry.host, "--filter", "my-app:^((?!prod|dev).)*$", "--untagged", "--ago", "0d",
                "--journal", journal,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(
                lines.filter { $0.hasPrefix("Deleted R/my-app:") || $0.hasPrefix("Deleted \(registry.host)/my-app:") }
                    .count == 4)
            #expect(lines.filter { $0.hasPrefix("Deleted \(registry.host)/my-app@sha256:") }.count == 3)
            #expect(lines.suffix(2) == ["Number of deleted tags: 4", "Number of deleted manifests: 3"])
            #expect(run.stderr.contains("Journal: \(journal)"))
            #expect(try await registry.skopeoTags("my-app") == ["dev", "prod"])
            let restore = try await PurgeCLI.run(["restore", journal, "-r", registry.host])
            #expect(restore.status == 0, "\(restore.stderr)")
            #expect(restore.stdout.contains("Number of restored manifests: 3"))
            #expect(try await registry.tagMap("my-app") == before)
        }
    }

    /// Every malformed filter and duration is refused before any request: the registry address is a
    /// closed port, so a request would surface as "cannot reach" instead of the usage error.
    @Test(arguments: [
        (["--filter", "my-app", "--ago", "0d"], "has no ':'"),
        (["--filter", "my-app:1:2", "--ago", "0d"], "has 2 ':' separators"),
        (["--filter", ":latest", "--ago", "0d"], "empty repository part"),
        (["--filter", "my-app:", "--ago", "0d"], "empty tag part"),
        (["--filter", "my-app:v1.(", "--ago", "0d"], "invalid regular expression 'v1.('"),
        (["--filter", "my-[app:.*", "--ago", "0d"], "is a '[' left unclosed?"),
        (["--filter", "my-(app:.*", "--ago", "0d"], "invalid regular expression 'my-(app'"),
        (["--filter", "my-app:.*", "--ago", "xd"], "--ago 'xd' is not a duration"),
        (["--filter", "my-app:.*", "--ago", "2days"], "--ago '2days' is not a duration"),
        (["--filter", "my-app:.*", "--ago", "30"], "--ago '30' is not a duration"),
        (["--filter", "my-app:.*", "--ago", "60000d"], "longer than 150 years"),
        (["--filter", "my-app:.*"], "--ago is required"),
        (["--ago", "0d"], "at least one --filter"),
        (["--filter", "my-app:.*", "--ago", "0d", "--untagged", "--untagged-only"], "exclude each other"),
        (["--filter", "my-app:.*", "--ago", "0d", "--protect", "nocolon"], "--protect 'nocolon'"),
    ])
    func badInputIsAUsageErrorBeforeAnyRequest(arguments: [String], message: String) async throws {
        let run = try await PurgeCLI.run(["purge", "-r", "127.0.0.1:9", "--dry-run"] + arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("cannot reach"))
    }
}

/// Runs the built `regsweep` binary (it sits next to the test bundle).
enum PurgeCLI {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if directory.pathExtension == "xctest" || directory.path.contains(".xctest") {
            while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        }
        return directory.appendingPathComponent("regsweep")
    }

    static func run(_ arguments: [String]) async throws -> Run {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let result = try await ChildProcess.run(
            binary.path, arguments,
            environment: ["HOME": home, "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": home + "/cache"])
        return Run(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }

    /// Replaces the registry address with `R` and digests with `D`, the parts that differ per run.
    static func normalize(_ output: String, registry: String) -> String {
        var text = output.replacingOccurrences(of: registry + "/", with: "R/")
        while let range = text.range(of: #"sha256:[0-9a-f]{64}"#, options: .regularExpression) {
            text.replaceSubrange(range, with: "D")
        }
        return text.trimmingCharacters(in: .newlines)
    }
}
