import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// `purge` on Azure Container Registry, through the real binary against the ACR emulator: ages
/// from `lastUpdateTime`, `--keep` by it, locks, `--untagged-only` on what `_manifests` lists,
/// untagging through `/acr/v1`, a token revoked mid-run, and the article's five dry runs.
@Suite struct ACRPurgeTests {
    static func day(_ year: Int, _ month: Int, _ day: Int) -> Date { DemoSeed.day(year, month, day) }

    /// Pushes through a client with the emulator's admin login.
    static func seed<T>(_ acr: AcrEmulator, _ body: (FixturePusher) async throws -> T) async throws -> T {
        try await AsyncHTTPTransport.withTransport { transport in
            try await body(
                FixturePusher(
                    client: RegistryClient(
                        endpoint: acr.endpoint, credentials: acr.adminCredentials, transport: transport)
                ))
        }
    }

    /// `regsweep ARGUMENTS` as the refresh-token user (`az acr login --expose-token`), the token on stdin.
    static func run(_ acr: AcrEmulator, _ arguments: [String], cli: CLI) async throws -> ProcessResult {
        try await cli.run(
            arguments + ["-r", acr.host, "-u", AcrEmulator.tokenUsername, "--password-stdin"], stdin: acr.refreshToken)
    }

    /// Requests that change something (the token service's POSTs aside), after the first `since`.
    static func writes(_ acr: AcrEmulator, since: Int) -> [AcrEmulator.Request] {
        acr.requests().dropFirst(since).filter {
            !["GET", "HEAD"].contains($0.method) && !$0.path.hasPrefix("/oauth2/")
        }
    }

    /// Sets a tag's and its manifest's times to `date`, as if pushed then.
    static func date(_ acr: AcrEmulator, _ repository: String, _ tag: String, _ date: Date) {
        acr.setTimes(repository: repository, tag: tag, created: date, lastUpdated: date)
        if let digest = acr.tags(repository: repository)[tag] {
            acr.setManifestTimes(repository: repository, digest: digest, created: date, lastUpdated: date)
        }
    }

    @Test func theArticlesFiveDryRunsGiveTheArticlesCountsAndChangeNothing() async throws {
        try await AcrEmulator.with { acr in
            try await Self.seed(acr) { try await DemoSeed.pushArticleScenario($0) }
            // On ACR the article's times are push times: the tags' own.
            let times: [(String, String, Date)] = [
                ("my-app", "1.0.0", Self.day(2022, 12, 10)), ("my-app", "2.0.0", Self.day(2022, 12, 12)),
                ("my-app", "prod", Self.day(2022, 12, 13)), ("my-app", "3.0.0", Self.day(2022, 12, 15)),
                ("my-app", "4.0.0", Self.day(2022, 12, 18)), ("my-app", "dev", Self.day(2022, 12, 18)),
                ("another-app", "1.0.0", Self.day(2022, 12, 11)), ("another-app", "2.0.0", Self.day(2022, 12, 16)),
                ("another-app", "dev", Self.day(2022, 12, 16)),
            ]
            for (repository, tag, date) in times { Self.date(acr, repository, tag, date) }
            let before = (acr.tags(repository: "my-app"), acr.tags(repository: "another-app"))
            let seeded = acr.requests().count
            try await CLI.with { cli in
                // The login `az acr login` leaves: an identity token in Docker's config.json.
                try cli.writeDockerConfig(#"{"auths":{"\#(acr.host)":{"identitytoken":"\#(acr.refreshToken)"}}}"#)
                for (arguments, expected) in PurgeGoldenTests.cases {
                    let run = try await cli.run(["purge", "-r", acr.host, "--dry-run"] + arguments)
                    #expect(run.status == 0, "\(arguments): \(run.stderrText)")
                    #expect(PurgeCLI.normalize(run.stdoutText, registry: acr.host) == expected, "\(arguments)")
                    // ACR lists untagged manifests: the generic registries' caveat is not said.
                    #expect(!run.stderrText.contains("only through tags"), "\(run.stderrText)")
                }
                let verbose = try await cli.run(
                    ["purge", "-r", acr.host, "--dry-run", "--filter", "my-app:.*", "--ago", "0d", "--verbose"])
                #expect(verbose.stderrText.contains("registry API: ACR API"), "\(verbose.stderrText)")
            }
            #expect(Self.writes(acr, since: seeded).isEmpty, "a dry run sent \(Self.writes(acr, since: seeded))")
            #expect(acr.tags(repository: "my-app") == before.0)
            #expect(acr.tags(repository: "another-app") == before.1)
            // Listing took ACR's listings, not a HEAD per tag.
            #expect(!acr.requests().dropFirst(seeded).contains { $0.method == "HEAD" })
        }
    }

    @Test func agesAreLastUpdateTimesAndKeepCountsByThem() async throws {
        try await AcrEmulator.with { acr in
            try await Self.seed(acr) { pusher in
                // Built in 2020, re-pointed an hour ago: young on ACR.
                _ = try await pusher.pushImage(
                    repository: "app", tags: ["stable"], spec: ImageSpec(seed: "stable", created: Self.day(2020, 1, 1)))
                // Built last week (the config says so), pushed in 2023: old on ACR.
                _ = try await pusher.pushImage(
                    repository: "app", tags: ["ci-1"],
                    spec: ImageSpec(seed: "ci-1", created: Date().addingTimeInterval(-7 * 86400)))
                for (index, tag) in ["ci-2", "ci-3", "ci-4"].enumerated() {
                    _ = try await pusher.pushImage(
                        repository: "app", tags: [tag],
                        spec: ImageSpec(seed: tag, created: Self.day(2026, 1, 10 - index)))
                }
            }
            Self.date(acr, "app", "stable", Date().addingTimeInterval(-3600))
            Self.date(acr, "app", "ci-1", Self.day(2023, 5, 1))
            // By config dates ci-2 is the newest of these three; by ACR's update times ci-4 is.
            Self.date(acr, "app", "ci-2", Self.day(2023, 6, 1))
            Self.date(acr, "app", "ci-3", Self.day(2023, 6, 2))
            Self.date(acr, "app", "ci-4", Self.day(2023, 6, 3))
            try await CLI.with { cli in
                let ages = try await Self.run(
                    acr, ["purge", "--filter", "app:.*", "--ago", "30d", "--dry-run"], cli: cli)
                #expect(ages.status == 0, "\(ages.stderrText)")
                let deleted = ages.stdoutText.split(separator: "\n").filter { $0.hasPrefix(acr.host + "/app:") }
                #expect(!ages.stdoutText.contains("app:stable"), "re-pointed an hour ago: \(ages.stdoutText)")
                #expect(deleted.count == 4, "\(ages.stdoutText)")

                let keep = try await Self.run(
                    acr, ["purge", "--filter", "app:^ci-", "--ago", "0d", "--keep", "1", "--dry-run"], cli: cli)
                #expect(keep.status == 0, "\(keep.stderrText)")
                #expect(
                    PurgeCLI.normalize(keep.stdoutText, registry: acr.host).contains(
                        "R/app:ci-3\nR/app:ci-2\nR/app:ci-1"), "\(keep.stdoutText)")
                #expect(!keep.stdoutText.contains("app:ci-4"), "the newest by lastUpdateTime stays")
            }
        }
    }

    @Test func untagsThroughACRsAPIAndLeavesLockedItemsUnlessIncludeLocked() async throws {
        try await AcrEmulator.with { acr in
            let shared = try await Self.seed(acr) { pusher in
                let shared = try await pusher.pushImage(
                    repository: "app", tags: ["old", "current"], spec: ImageSpec(seed: "shared", created: nil))
                _ = try await pusher.pushImage(
                    repository: "app", tags: ["frozen"], spec: ImageSpec(seed: "frozen", created: nil))
                return shared.digest
            }
            Self.date(acr, "app", "old", Self.day(2022, 1, 1))
            Self.date(acr, "app", "frozen", Self.day(2022, 1, 2))
            acr.setTimes(repository: "app", tag: "current", created: Date(), lastUpdated: Date())
            acr.setAttributes(repository: "app", tag: "frozen", deleteEnabled: false, writeEnabled: nil)
            let seeded = acr.requests().count
            try await CLI.with { cli in
                let purge = try await Self.run(acr, ["purge", "--filter", "app:.*", "--ago", "30d"], cli: cli)
                #expect(purge.status == 0, "\(purge.stderrText)")
                #expect(purge.stdoutText.contains("Number of deleted tags: 1"), "\(purge.stdoutText)")
                #expect(purge.stderrText.contains("1 locked tag"), "\(purge.stderrText)")
                let tags = acr.tags(repository: "app")
                #expect(tags["old"] == nil)
                #expect(tags["current"] == shared, "the sibling tag survives")
                #expect(tags["frozen"] != nil, "locked: left, and said so")
                #expect(acr.manifestDigests(repository: "app").contains(shared))
                let writes = Self.writes(acr, since: seeded)
                #expect(writes.map { "\($0.method) \($0.path)" } == ["DELETE /acr/v1/app/_tags/old"], "\(writes)")
                #expect(!writes.contains { $0.method == "PUT" }, "no placeholder is ever pushed on ACR")

                let locked = try await Self.run(
                    acr, ["purge", "--filter", "app:^frozen$", "--ago", "30d", "--include-locked"], cli: cli)
                #expect(locked.status == 0, "\(locked.stderrText)")
                #expect(acr.tags(repository: "app")["frozen"] == nil)
                let unlockThenDelete = Self.writes(acr, since: seeded).dropFirst(writes.count).map {
                    "\($0.method) \($0.path)"
                }
                #expect(
                    unlockThenDelete == ["PATCH /acr/v1/app/_tags/frozen", "DELETE /acr/v1/app/_tags/frozen"],
                    "\(unlockThenDelete)")
            }
        }
    }

    @Test func untaggedOnlyKeepOneSparesTheNewestWithWhatItHoldsAndNeverAKeptIndexsChildren() async throws {
        try await AcrEmulator.with { acr in
            let (tagged, old, new, signature) = try await Self.seed(acr) { pusher in
                let amd = Platform(architecture: "amd64", os: "linux")
                let arm = Platform(architecture: "arm64", os: "linux")
                let tagged = try await pusher.pushIndex(
                    repository: "multi", tags: ["release"],
                    children: [
                        ImageSpec(seed: "r-amd", created: nil, platform: amd),
                        ImageSpec(seed: "r-arm", created: nil, platform: arm),
                    ])
                let old = try await pusher.pushIndex(
                    repository: "multi", tags: [],
                    children: [
                        ImageSpec(seed: "o-amd", created: nil, platform: amd),
                        ImageSpec(seed: "o-arm", created: nil, platform: arm),
                    ])
                let new = try await pusher.pushImage(
                    repository: "multi", tags: [], spec: ImageSpec(seed: "new", created: nil))
                let signature = try await pusher.pushReferrer(repository: "multi", subject: new, style: .tagSchema)
                return (tagged, old, new.digest, signature.digest)
            }
            for (digest, date) in [(old.index.digest, Self.day(2022, 1, 1)), (new, Self.day(2022, 6, 1))] {
                acr.setManifestTimes(repository: "multi", digest: digest, created: date, lastUpdated: date)
            }
            try await CLI.with { cli in
                let run = try await Self.run(
                    acr, ["purge", "--filter", "multi:.*", "--untagged-only", "--keep", "1"], cli: cli)
                #expect(run.status == 0, "\(run.stderrText)")
                #expect(run.stdoutText.contains("Number of deleted manifests: 3"), "\(run.stdoutText)")
            }
            let stored = acr.manifestDigests(repository: "multi")
            #expect(!stored.contains(old.index.digest))
            #expect(old.children.allSatisfy { !stored.contains($0.digest) })
            #expect(stored.contains(tagged.index.digest))
            #expect(tagged.children.allSatisfy { stored.contains($0.digest) }, "children of a kept index stay")
            #expect(stored.contains(new), "the newest untagged manifest stays (--keep 1)")
            #expect(stored.contains(signature), "and so does its referrer")
            #expect(acr.tags(repository: "multi")["release"] == tagged.index.digest)
        }
    }

    @Test func aTokenRevokedMidRunIsRenewedAndTheRunFinishes() async throws {
        try await AcrEmulator.with { acr in
            let tags = (1...24).map { "ci-\($0)" }
            try await Self.seed(acr) { pusher in
                _ = try await pusher.pushImage(
                    repository: "app", tags: tags + ["latest"], spec: ImageSpec(seed: "one", created: nil))
            }
            for tag in tags { Self.date(acr, "app", tag, Self.day(2022, 1, 1)) }
            acr.setTimes(repository: "app", tag: "latest", created: Date(), lastUpdated: Date())
            try await CLI.with { cli in
                // Revoke every token once the first untag went out: the rest of the run must
                // get new ones on the 401s and finish, as with an ACR token expiring mid-run.
                let revoker = Task {
                    while !Task.isCancelled {
                        if acr.requests().contains(where: { $0.method == "DELETE" }) {
                            acr.revokeAccessTokens()
                            return true
                        }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return false
                }
                let run = try await Self.run(
                    acr, ["purge", "--filter", "app:^ci-", "--ago", "30d", "--concurrency", "1"], cli: cli)
                revoker.cancel()
                #expect(try await revoker.value, "the revocation happened during the run")
                #expect(run.status == 0, "\(run.stderrText)")
                #expect(run.stdoutText.contains("Number of deleted tags: 24"), "\(run.stdoutText)")
            }
            #expect(acr.tags(repository: "app").keys.sorted() == ["latest"])
            let log = acr.requests()
            let firstDelete = log.firstIndex { $0.method == "DELETE" } ?? log.endIndex
            #expect(log[firstDelete...].contains { $0.status == 401 && !$0.path.hasPrefix("/oauth2/") })
            #expect(log[firstDelete...].contains { $0.path == "/oauth2/token" && $0.status == 200 }, "renewed")
        }
    }

    @Test func aRefusedLoginSaysHowToLogInToACRAndNeverShowsTheToken() async throws {
        try await AcrEmulator.with { acr in
            try await CLI.with { cli in
                let run = try await cli.run(
                    [
                        "tag", "list", "-r", acr.host, "--repository", "app", "-u", AcrEmulator.tokenUsername,
                        "--password-stdin",
                    ], stdin: "expired-REFRESH-token-123")
                #expect(run.status == 1)
                #expect(run.stderrText.contains("az acr login"), "\(run.stderrText)")
                #expect(!run.stderrText.contains("expired-REFRESH-token-123"))
                #expect(!run.stdoutText.contains("expired-REFRESH-token-123"))
            }
        }
    }
}
