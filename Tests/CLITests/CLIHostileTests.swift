import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

/// The real `regsweep` binary against a registry that cannot be trusted (issue 8): exit codes,
/// time bounds, what reaches a terminal, and what reached the listeners.
@Suite("CLI: hostile registry", .timeLimit(.minutes(10)))
struct CLIHostileTests {
    /// A finished run and how long it took.
    struct Run: Sendable {
        var result: ProcessResult
        var elapsed: Duration
        var summary: String { "\(result.summary)\n(elapsed \(elapsed))" }
    }

    /// `regsweep ARGUMENTS -r SERVER -u … -p … --timeout T`, timed.
    static func run(
        _ cli: CLI, _ server: MisbehavingRegistry, _ arguments: [String], timeout: Int = 10,
        limit: Duration = .seconds(120)
    ) async throws -> Run {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await cli.run(
            arguments + [
                "-r", server.host, "-u", MisbehavingRegistry.username, "-p", MisbehavingRegistry.password,
                "--timeout", String(timeout),
            ], timeout: limit)
        return Run(result: result, elapsed: clock.now - started)
    }

    /// What every run against every mode must satisfy: no crash, no escape reaching the terminal,
    /// no secret in the output, and nothing sent where it must not go.
    static func expectClean(
        _ run: Run, _ server: MisbehavingRegistry, stdoutIsJSON: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            run.result.status < 128 && !run.result.timedOut, "crashed or hung: \(run.summary)",
            sourceLocation: sourceLocation)
        for (stream, data) in [("stdout", run.result.stdout), ("stderr", run.result.stderr)]
        where !(stdoutIsJSON && stream == "stdout") {
            let raw = HostileText.rawControls(in: data)
            #expect(
                raw.isEmpty, "raw control characters on \(stream): \(raw) in \(run.summary)",
                sourceLocation: sourceLocation)
        }
        let output = run.result.stdoutText + run.result.stderrText
        #expect(
            !output.contains(MisbehavingRegistry.password), "the password was printed", sourceLocation: sourceLocation)
        #expect(
            server.leakedCredentials.isEmpty, "credentials leaked: \(server.leakedCredentials)",
            sourceLocation: sourceLocation)
        #expect(
            server.dotDotRequests.isEmpty, "paths with '..': \(server.dotDotRequests)", sourceLocation: sourceLocation)
        #expect(
            server.injectedHeaderRequests.isEmpty, "header injection: \(server.injectedHeaderRequests)",
            sourceLocation: sourceLocation)
    }

    /// `expectClean`, plus exit 1 with an `Error:` line. (A hang is caught by the child's own
    /// limit in `run` and the suite's time limit, not by timing assertions.)
    static func expectFailure(
        _ run: Run, _ server: MisbehavingRegistry, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectClean(run, server, sourceLocation: sourceLocation)
        #expect(run.result.status == 1, "\(run.summary)", sourceLocation: sourceLocation)
        let output = run.result.stdoutText + run.result.stderrText
        #expect(
            output.contains("Error") || output.lowercased().contains("failed"), "say what failed: \(run.summary)",
            sourceLocation: sourceLocation)
    }

    static let purgeAll = ["purge", "--filter", "app:.*", "--ago", "0d", "--untagged"]

    // MARK: The control case

    @Test("honest mode: tag list, manifest list and a real purge work, and leak nothing")
    func honest() async throws {
        try await MisbehavingRegistry.with(mode: .honest) { server in
            try await CLI.with { cli in
                let tags = try await Self.run(cli, server, ["tag", "list", "--repository", "app"])
                Self.expectClean(tags, server)
                #expect(tags.result.status == 0, "\(tags.summary)")
                #expect(
                    tags.result.lines == ["Listing tags for the \"app\" repository:"]
                        + MisbehavingRegistry.tags.map { "\(server.host)/app:\($0)" })
                let manifests = try await Self.run(cli, server, ["manifest", "list", "--repository", "app"])
                Self.expectClean(manifests, server)
                #expect(manifests.result.status == 0, "\(manifests.summary)")
                let purge = try await Self.run(cli, server, Self.purgeAll + ["--journal", cli.home + "/journal.jsonl"])
                Self.expectClean(purge, server)
                #expect(purge.result.status == 0, "\(purge.summary)")
                #expect(server.currentTags().isEmpty, "\(server.currentTags())")
            }
        }
    }

    @Test("the journal is written 0600; the content cache's files are 0600 and its folders 0700")
    func filePermissions() async throws {
        try await MisbehavingRegistry.with(mode: .honest) { server in
            try await CLI.with { cli in
                let journal = cli.home + "/state/journal.jsonl"
                let purge = try await Self.run(cli, server, Self.purgeAll + ["--journal", journal])
                #expect(purge.result.status == 0, "\(purge.summary)")
                let journalMode = try FileManager.default.attributesOfItem(atPath: journal)[.posixPermissions] as? Int
                #expect(journalMode == 0o600, "journal mode \(String(journalMode ?? -1, radix: 8))")
                let cache = cli.home + "/cache/regsweep"
                var isDirectory: ObjCBool = false
                #expect(
                    FileManager.default.fileExists(atPath: cache, isDirectory: &isDirectory) && isDirectory.boolValue,
                    "no cache written")
                var wrong: [String] = []
                var checked = 0
                for path in [cache] + (FileManager.default.subpaths(atPath: cache) ?? []).map({ cache + "/" + $0 }) {
                    let attributes = try FileManager.default.attributesOfItem(atPath: path)
                    let mode = (attributes[.posixPermissions] as? Int ?? -1) & 0o777
                    let expected = attributes[.type] as? FileAttributeType == .typeDirectory ? 0o700 : 0o600
                    checked += 1
                    if mode != expected { wrong.append("\(path): \(String(mode, radix: 8))") }
                }
                #expect(checked > 2)
                #expect(wrong.isEmpty, "\(wrong)")
            }
        }
    }

    // MARK: Credentials stay home

    @Test("control: blob storage on another host: manifest list works, and the storage host sees no credentials")
    func blobRedirectElsewhere() async throws {
        try await MisbehavingRegistry.with(mode: .blobRedirectElsewhere) { server in
            try await CLI.with { cli in
                let run = try await Self.run(cli, server, ["manifest", "list", "--repository", "app"])
                Self.expectClean(run, server)
                #expect(run.result.status == 0, "\(run.summary)")
                #expect(run.result.stdoutText.contains("linux/amd64"), "\(run.summary)")
            }
            #expect(!server.requests(on: .elsewhere).isEmpty)
        }
    }

    @Test("a Link to another host: tag list and repository list exit 1, and nothing reaches the other host")
    func linkToOtherHost() async throws {
        try await MisbehavingRegistry.with(mode: .linkToOtherHost) { server in
            try await CLI.with { cli in
                Self.expectFailure(try await Self.run(cli, server, ["tag", "list", "--repository", "app"]), server)
                Self.expectFailure(try await Self.run(cli, server, ["repository", "list"]), server)
            }
            #expect(server.requests(on: .elsewhere).isEmpty, "\(server.requests(on: .elsewhere))")
        }
    }

    @Test("a Link climbing out of /v2/: exit 1, and no request leaves /v2/")
    func linkClimbing() async throws {
        try await MisbehavingRegistry.with(mode: .linkClimbing) { server in
            try await CLI.with { cli in
                Self.expectFailure(try await Self.run(cli, server, ["tag", "list", "--repository", "app"]), server)
                Self.expectFailure(try await Self.run(cli, server, ["repository", "list"]), server)
            }
            let outside = server.requests.filter { !$0.normalizedPath.hasPrefix("/v2/") }
            #expect(outside.isEmpty, "\(outside)")
        }
    }

    @Test("an upload Location on another host: tag delete and a purge that untags exit 1; nothing goes there")
    func uploadLocationOtherHost() async throws {
        try await MisbehavingRegistry.with(mode: .uploadLocationOtherHost) { server in
            try await CLI.with { cli in
                let purge = try await Self.run(
                    cli, server, ["purge", "--filter", #"app:^1\.0$"#, "--ago", "0d", "--journal", cli.home + "/j1"])
                Self.expectFailure(purge, server)
                let delete = try await Self.run(
                    cli, server, ["tag", "delete", "--repository", "app", "2.0", "--journal", cli.home + "/j2"])
                Self.expectFailure(delete, server)
            }
            #expect(server.requests(on: .elsewhere).isEmpty, "\(server.requests(on: .elsewhere))")
        }
    }

    @Test("a redirect to a host that answers 401 Bearer: manifest list exits 1, no token is fetched there")
    func redirectThenBearerRealm() async throws {
        try await MisbehavingRegistry.with(mode: .redirectThenBearerRealm) { server in
            try await CLI.with { cli in
                Self.expectFailure(
                    try await Self.run(cli, server, ["manifest", "list", "--repository", "app"]), server)
            }
            #expect(server.requests(on: .elsewhere).allSatisfy { $0.rawPath != "/token" })
        }
    }

    @Test("an http+unix:// redirect on DELETE: purge counts the items as failed (exit 1), never 'already gone'")
    func redirectToUnixScheme() async throws {
        try await MisbehavingRegistry.with(mode: .redirectToUnixScheme) { server in
            try await CLI.with { cli in
                let purge = try await Self.run(cli, server, Self.purgeAll + ["--journal", cli.home + "/j"])
                Self.expectFailure(purge, server)
                #expect(
                    !(purge.result.stdoutText + purge.result.stderrText).contains("already gone"), "\(purge.summary)")
                let digest = try #require(server.initialDigest(of: "2.0"))
                let delete = try await Self.run(
                    cli, server,
                    ["manifest", "delete", "--repository", "app", digest.description, "--journal", cli.home + "/j2"])
                Self.expectFailure(delete, server)
                let tag = try await Self.run(
                    cli, server, ["tag", "delete", "--repository", "app", "1.0", "--journal", cli.home + "/j3"])
                Self.expectFailure(tag, server)
            }
            #expect(server.requests(on: .unixSocket).isEmpty, "\(server.requests(on: .unixSocket))")
        }
    }

    // MARK: What reaches the terminal

    @Test(
        "names with terminal escapes are shown escaped, never raw: repository, tag and manifest list, dry run, errors")
    func controlCharactersInText() async throws {
        try await MisbehavingRegistry.with(mode: .controlCharactersInNames) { server in
            try await CLI.with { cli in
                let repositories = try await Self.run(cli, server, ["repository", "list"])
                Self.expectClean(repositories, server)
                #expect(repositories.result.lines.contains("app"), "\(repositories.summary)")
                #expect(
                    repositories.result.stderrText.contains(#"\x1b]0;pwned"#),
                    "name the skipped names, escaped: \(repositories.summary)")

                let tags = try await Self.run(cli, server, ["tag", "list", "--repository", "app"])
                Self.expectClean(tags, server)
                #expect(tags.result.lines.contains("\(server.host)/app:1.0"), "\(tags.summary)")
                #expect(tags.result.stderrText.contains(#"\x1b]0;pwned"#), "\(tags.summary)")

                let manifests = try await Self.run(cli, server, ["manifest", "list", "--repository", "app"])
                Self.expectClean(manifests, server)
                #expect(
                    manifests.result.stdoutText.contains(#"\x1b]0;pwned"#),
                    "the platform, escaped: \(manifests.summary)")

                let dryRun = try await Self.run(
                    cli, server, ["purge", "--filter", "app:.*", "--ago", "0d", "--untagged", "--dry-run"])
                Self.expectClean(dryRun, server)
                #expect(dryRun.result.stdoutText.contains("DRY RUN"), "\(dryRun.summary)")

                let denied = try await Self.run(cli, server, ["tag", "list", "--repository", "denied"])
                Self.expectFailure(denied, server)
                #expect(
                    denied.result.stderrText.contains(#"\x1b]0;pwned"#),
                    "the registry's message, escaped: \(denied.summary)")
            }
        }
    }

    @Test("--output json with hostile names stays valid JSON")
    func controlCharactersInJSON() async throws {
        try await MisbehavingRegistry.with(mode: .controlCharactersInNames) { server in
            try await CLI.with { cli in
                for arguments in [
                    ["repository", "list"], ["tag", "list", "--repository", "app"],
                    ["manifest", "list", "--repository", "app"],
                    ["purge", "--filter", "app:.*", "--ago", "0d", "--dry-run"],
                ] {
                    let run = try await Self.run(cli, server, arguments + ["--output", "json"])
                    // The JSON encoder's escaping is the contract here; stderr still goes to a terminal.
                    Self.expectClean(run, server, stdoutIsJSON: true)
                    #expect(run.result.status == 0, "\(run.summary)")
                    #expect(
                        (try? JSONSerialization.jsonObject(with: run.result.stdout)) != nil, "not JSON: \(run.summary)")
                }
            }
        }
    }

    @Test("names with '..' are skipped with a warning naming them; no request path has a '..' segment")
    func dotDotNames() async throws {
        try await MisbehavingRegistry.with(mode: .dotDotNames) { server in
            try await CLI.with { cli in
                let repositories = try await Self.run(cli, server, ["repository", "list"])
                Self.expectClean(repositories, server)
                #expect(repositories.result.lines == ["app"], "\(repositories.summary)")
                #expect(repositories.result.stderrText.contains("a/../../etc"), "\(repositories.summary)")

                let tags = try await Self.run(cli, server, ["tag", "list", "--repository", "app"])
                Self.expectClean(tags, server)
                #expect(!tags.result.stdoutText.contains(".."), "\(tags.summary)")
                #expect(tags.result.stderrText.contains("../../../etc/passwd"), "\(tags.summary)")

                let dryRun = try await Self.run(
                    cli, server, ["purge", "--filter", ".*:.*", "--ago", "0d", "--untagged", "--dry-run"])
                Self.expectClean(dryRun, server)
                #expect(!dryRun.result.stdoutText.contains(".."), "\(dryRun.summary)")

                let named = try await Self.run(cli, server, ["tag", "list", "--repository", "a/../../etc"])
                Self.expectClean(named, server)
                #expect(named.result.status != 0, "a '..' repository given by the user is refused: \(named.summary)")
            }
        }
    }

    // MARK: Content that lies

    @Test(
        "a manifest that does not match its digest is never deleted; purge exits 1",
        arguments: [MisbehavingRegistry.Mode.digestMismatch, .schema1OtherContent, .sha512Mismatch])
    func lyingManifestsAreNotDeleted(mode: MisbehavingRegistry.Mode) async throws {
        try await MisbehavingRegistry.with(mode: mode) { server in
            let untrustworthy = try #require(server.untrustworthyDigests.first)
            try await CLI.with { cli in
                let purge = try await Self.run(cli, server, Self.purgeAll + ["--journal", cli.home + "/j"])
                Self.expectFailure(purge, server)
                let delete = try await Self.run(
                    cli, server,
                    [
                        "manifest", "delete", "--repository", "app", untrustworthy.description, "--journal",
                        cli.home + "/j2",
                    ])
                #expect(delete.result.status == 1 || delete.result.status == 64, "\(delete.summary)")
                Self.expectClean(delete, server)
            }
            let hits = server.deletions.filter {
                $0.hasSuffix(untrustworthy.description) || $0.hasSuffix("/manifests/1.0")
            }
            #expect(hits.isEmpty, "deleted what it could not verify: \(hits)")
        }
    }

    @Test("a DELETE answered 202 whose manifest still resolves is reported as not deleted: purge exits 1")
    func deleteIgnored() async throws {
        try await MisbehavingRegistry.with(mode: .deleteIgnored) { server in
            try await CLI.with { cli in
                let purge = try await Self.run(cli, server, Self.purgeAll + ["--journal", cli.home + "/j"])
                Self.expectClean(purge, server)
                #expect(purge.result.status == 1, "\(purge.summary)")
                #expect(!server.deletions.isEmpty, "it did try")
            }
        }
    }

    // MARK: Time and size bounds

    @Test("a body trickling at 1 byte/s: --timeout 3 ends tag list and manifest list with a timeout (exit 1)")
    func trickleBody() async throws {
        try await MisbehavingRegistry.with(mode: .trickleBody) { server in
            try await CLI.with { cli in
                // Both at once: without a whole-request deadline each takes a minute or more.
                async let tags = Self.run(cli, server, ["tag", "list", "--repository", "app"], timeout: 3)
                async let manifests = Self.run(cli, server, ["manifest", "list", "--repository", "app"], timeout: 3)
                // The trickle would finish after ~35 s and succeed: exit 1 and a timeout mean the
                // deadline covered the body.
                // The whole-request deadline says "did not finish in time"; on a loaded machine the
                // transport's own read timeout can fire first ("timed out"). Either is the run ending
                // on a timeout long before the trickle would have finished, with the hint to act on.
                for run in [try await tags, try await manifests] {
                    Self.expectFailure(run, server)
                    let stderr = run.result.stderrText
                    #expect(
                        stderr.contains("did not finish in time") || stderr.contains("timed out"), "\(run.summary)")
                    #expect(stderr.contains("raise --timeout"), "\(run.summary)")
                }
            }
        }
    }

    @Test("endless distinct pages: tag list stops at the page cap with an error that says so (exit 1)")
    func endlessLinks() async throws {
        try await MisbehavingRegistry.with(mode: .endlessLinks) { server in
            try await CLI.with { cli in
                let run = try await Self.run(cli, server, ["tag", "list", "--repository", "app"], limit: .seconds(300))
                Self.expectFailure(run, server)
                #expect(run.result.stderrText.contains("page"), "\(run.summary)")
                #expect(server.requests(on: .registry).count <= 10_010)
            }
        }
    }

    @Test("Retry-After: 1e300 and a year-9999 date neither crash nor hang: listings succeed after a capped wait")
    func hugeRetryAfter() async throws {
        try await MisbehavingRegistry.with(mode: .hugeRetryAfter) { server in
            try await CLI.with { cli in
                let tags = try await Self.run(cli, server, ["tag", "list", "--repository", "app"])
                Self.expectClean(tags, server)
                #expect(tags.result.status == 0, "\(tags.summary)")
                let repositories = try await Self.run(cli, server, ["repository", "list"])
                Self.expectClean(repositories, server)
                #expect(repositories.result.lines == ["app"], "\(repositories.summary)")
            }
        }
    }

    @Test(
        "header floods, deep JSON, endless bodies, HTML, CR LF tokens: a clean error (exit 1), no crash, no hang",
        arguments: [
            (MisbehavingRegistry.Mode.headerFlood, ["tag", "list", "--repository", "app"]),
            (.headerFlood, ["repository", "list"]),
            (.deepJSON, ["manifest", "list", "--repository", "app"]),
            (.hugeBody, ["repository", "list"]),
            (.hugeBody, ["manifest", "list", "--repository", "app"]),
            (.badContentType, ["repository", "list"]),
            (.badContentType, ["manifest", "list", "--repository", "app"]),
            (.tokenWithCRLF, ["tag", "list", "--repository", "app"]),
        ])
    func cleanErrors(mode: MisbehavingRegistry.Mode, arguments: [String]) async throws {
        try await MisbehavingRegistry.with(mode: mode) { server in
            try await CLI.with { cli in
                Self.expectFailure(try await Self.run(cli, server, arguments), server)
            }
        }
    }
}
