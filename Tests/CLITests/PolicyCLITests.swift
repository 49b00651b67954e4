import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// `purge --policy`, `policy check` and `policy explain` through the real binary, against a real
/// registry that the tests start themselves.
@Suite struct PolicyCLITests {
    /// The policy of these tests; `REGISTRY` is replaced per test.
    static let policy = #"""
        registry: REGISTRY
        protect: ['.*:^latest$']
        rules:
          - name: releases
            action: keep
            filters: ['.*:^v[0-9]+\.[0-9]+\.[0-9]+$']
          - name: ci
            filters: ['app:^ci-']
            ago: 1d
            keep: 1
            untagged: true
          - name: nightly
            filters: ['.*:^nightly-']
            ago: 0d
        """#

    /// `app`: two releases, three old CI builds and a fresh one, two nightlies and `latest`, each
    /// its own image. Old means 2022; fresh means an hour ago.
    static func seed(_ registry: TestRegistry) async throws {
        let old = DemoSeed.day(2022, 12, 1)
        let images: [(String, Date)] = [
            ("v1.0.0", old), ("v1.1.0", old.addingTimeInterval(86400)), ("ci-1", old.addingTimeInterval(2 * 86400)),
            ("ci-2", old.addingTimeInterval(3 * 86400)), ("ci-3", old.addingTimeInterval(4 * 86400)),
            ("ci-4", Date().addingTimeInterval(-3600)), ("nightly-1", old.addingTimeInterval(5 * 86400)),
            ("nightly-2", old.addingTimeInterval(6 * 86400)), ("latest", old),
        ]
        try await registry.withClient { client in
            let pusher = FixturePusher(client: client)
            for (tag, created) in images {
                _ = try await pusher.pushImage(
                    repository: "app", tags: [tag], spec: ImageSpec(seed: "app:" + tag, created: created))
            }
        }
    }

    /// Writes the policy with `registry` filled in; the caller removes the file.
    static func writePolicy(_ text: String = policy, registry: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).yaml")
            .path
        try Data(text.replacingOccurrences(of: "REGISTRY", with: registry).utf8).write(
            to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aDryRunThenARealPurgeByPolicy() async throws {
        try await TestRegistry.with { registry in
            try await Self.seed(registry)
            // -r wins over the file's registry, which here is a closed port.
            let unreachable = try Self.writePolicy(registry: "127.0.0.1:9")
            defer { try? FileManager.default.removeItem(atPath: unreachable) }
            let dry = try await PurgeCLI.run(["purge", "--policy", unreachable, "-r", registry.host, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(
                PurgeCLI.normalize(dry.stdout, registry: registry.host) == """
                    \(PurgeGoldenTests.banner)
                    This repository would be deleted: app
                    R/app:nightly-2
                    R/app:nightly-1
                    R/app:ci-2
                    R/app:ci-1
                    Manifests for this repository would be deleted: app
                    R/app@D
                    R/app@D

                    Number of tags to be deleted: 4
                    Number of manifests to be deleted: 2
                    """)
            #expect(dry.stderr.contains("  ci: deletes 2 tags and 2 manifests, keeps 2 tags"), "\(dry.stderr)")
            #expect(dry.stderr.contains("  releases: keeps 2 tags"), "\(dry.stderr)")
            let json = try await PurgeCLI.run([
                "purge", "--policy", unreachable, "-r", registry.host, "--dry-run", "--output", "json",
            ])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stdout.contains(#""rule" : "releases""#))
            #expect(json.stdout.contains(#""detail" : "kept by rule 'ci': newer than its ago cutoff""#))
            #expect(try await registry.skopeoTags("app").count == 9)

            // Without -r the file's registry is used.
            let policy = try Self.writePolicy(registry: registry.host)
            defer { try? FileManager.default.removeItem(atPath: policy) }
            let journal = FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID().uuidString).jsonl")
                .path
            defer { try? FileManager.default.removeItem(atPath: journal) }
            let run = try await PurgeCLI.run(["purge", "--policy", policy, "--journal", journal])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(
                run.stdout.hasSuffix("Number of deleted tags: 4\nNumber of deleted manifests: 2\n"), "\(run.stdout)")
            // An independent client sees what the policy says: releases, latest, the fresh CI build
            // and the newest old one (keep: 1) stay.
            #expect(try await registry.skopeoTags("app") == ["ci-3", "ci-4", "latest", "v1.0.0", "v1.1.0"])
        }
    }

    @Test func flagsAndAPolicyDoNotMix() async throws {
        let policy = try Self.writePolicy(registry: "127.0.0.1:9")
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let run = try await PurgeCLI.run([
            "purge", "--policy", policy, "--ago", "30d", "--filter", "a:b", "--dry-run",
        ])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--filter, --ago cannot be added to it"), "\(run.stderr)")
        #expect(!run.stderr.contains("cannot reach"))
    }

    @Test func aRegistryComesFromDashROrTheFile() async throws {
        let noRegistry = try Self.writePolicy("rules:\n  - {name: a, filters: ['a:b'], ago: 0d}\n", registry: "")
        defer { try? FileManager.default.removeItem(atPath: noRegistry) }
        let fromFile = try await PurgeCLI.run(["purge", "--policy", noRegistry, "--dry-run"])
        #expect(fromFile.status == 64)
        #expect(
            fromFile.stderr.contains("names no registry: add -r HOST[:PORT], or registry: HOST"), "\(fromFile.stderr)")
        let flags = try await PurgeCLI.run(["purge", "--filter", "a:b", "--ago", "0d", "--dry-run"])
        #expect(flags.status == 64)
        #expect(flags.stderr.contains("missing -r/--registry"), "\(flags.stderr)")
    }

    @Test func aBadPolicyFileIsRefusedWithPositionsBeforeAnyRequest() async throws {
        let policy = try Self.writePolicy(
            "registry: 127.0.0.1:9\nrules:\n  - name: ci\n    filters: ['ci-.*:(']\n    ago: 2days\n    colour: red\n",
            registry: "")
        defer { try? FileManager.default.removeItem(atPath: policy) }
        for arguments in [["purge", "--policy", policy, "--dry-run"], ["policy", "check", policy]] {
            let run = try await PurgeCLI.run(arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            let lines = run.stderr.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("Error: \(policy):4:") && $0.contains("invalid regular expression") })
            #expect(lines.contains { $0.hasPrefix("Error: \(policy):5:12: rule 'ci': ago '2days' is not a duration") })
            #expect(lines.contains { $0.hasPrefix("Error: \(policy):6:5: rule 'ci': unknown key 'colour'") })
            #expect(!run.stderr.contains("cannot reach"))
            #expect(!run.stderr.contains("USAGE"), "problems are not buried under usage text")
        }
    }

    @Test func policyCheckSummarisesAGoodFile() async throws {
        let policy = try Self.writePolicy(registry: "myregistry.azurecr.io")
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let run = try await PurgeCLI.run(["policy", "check", policy])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout
                == "\(policy): OK: 3 rules (releases keep, ci delete, nightly delete), 1 protect filter, "
                + "registry myregistry.azurecr.io\n")
    }

    @Test func policyExplainNamesTheRuleOfEveryTag() async throws {
        try await TestRegistry.with { registry in
            try await Self.seed(registry)
            let policy = try Self.writePolicy(registry: "127.0.0.1:9")
            defer { try? FileManager.default.removeItem(atPath: policy) }
            let run = try await PurgeCLI.run(["policy", "explain", policy, "-r", registry.host, "--repository", "app"])
            #expect(run.status == 0, "\(run.stderr)")
            let rows = run.stdout.split(separator: "\n").map(String.init)
            func row(_ tag: String) -> [String] {
                (rows.first { $0.hasPrefix("  \(tag) ") } ?? "").split(separator: " ").map(String.init)
            }
            #expect(Array(row("v1.1.0").prefix(3)) == ["v1.1.0", "keep", "releases"])
            #expect(Array(row("ci-1").prefix(3)) == ["ci-1", "delete", "ci"])
            #expect(Array(row("ci-3").prefix(3)) == ["ci-3", "keep", "ci"])
            #expect(Array(row("ci-4").prefix(3)) == ["ci-4", "keep", "ci"])
            #expect(Array(row("nightly-2").prefix(3)) == ["nightly-2", "delete", "nightly"])
            #expect(Array(row("latest").prefix(3)) == ["latest", "keep", "protect"])
            #expect(
                rows.contains {
                    $0.hasPrefix("  ci-4 ") && $0.hasSuffix("kept by rule 'ci': newer than its ago cutoff")
                })
            #expect(rows.last == "4 of 9 tags and 2 of 9 manifests would be deleted.")
            // Explaining changes nothing.
            #expect(try await registry.skopeoTags("app").count == 9)
        }
    }
}
