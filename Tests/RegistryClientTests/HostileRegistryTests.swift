import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

/// The client against a registry that cannot be trusted (issue 8), over the real transport.
///
/// Every test asserts on what reached the listeners (`MisbehavingRegistry` records it all), not
/// only on what the client says: a leaked password is a leak even if the call then fails.
@Suite("Hostile registry: the client", .timeLimit(.minutes(5)))
struct HostileRegistryTests {
    static let quick = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(200))

    /// A client with the server's credentials over the real transport.
    static func withClient<T>(
        _ server: MisbehavingRegistry, timeout: Duration = .seconds(10), _ body: (RegistryClient) async throws -> T
    ) async throws -> T {
        let endpoint = try RegistryEndpoint.parse(server.host)
        return try await AsyncHTTPTransport.withTransport(requestTimeout: timeout) { transport in
            try await body(
                RegistryClient(endpoint: endpoint, credentials: server.credentials, transport: transport, retry: quick))
        }
    }

    /// What must hold after any exchange with any mode.
    static func expectNothingLeaked(_ server: MisbehavingRegistry, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            server.leakedCredentials.isEmpty, "credentials leaked: \(server.leakedCredentials)",
            sourceLocation: sourceLocation)
        #expect(
            server.dotDotRequests.isEmpty, "paths with '..': \(server.dotDotRequests)", sourceLocation: sourceLocation)
        #expect(
            server.injectedHeaderRequests.isEmpty, "header injection: \(server.injectedHeaderRequests)",
            sourceLocation: sourceLocation)
    }

    /// Runs `operation`, expecting a `RegistryError` (a hang is the suite's time limit's to catch).
    static func expectError(
        sourceLocation: SourceLocation = #_sourceLocation, _ operation: () async throws -> Void
    ) async -> RegistryError? {
        await #expect(throws: RegistryError.self, sourceLocation: sourceLocation) { try await operation() }
    }

    // MARK: The control case

    @Test("honest mode: the server is a working registry (listing, manifests, blobs, delete), nothing leaks")
    func honest() async throws {
        try await MisbehavingRegistry.with(mode: .honest) { server in
            try await Self.withClient(server) { client in
                try await client.ping()
                #expect(try await client.repositories() == ["app"])
                #expect(try await client.tags(repository: "app", pageSize: 2) == MisbehavingRegistry.tags)
                let manifest = try await client.manifest(repository: "app", reference: "1.0")
                #expect(manifest.digest == server.initialDigest(of: "1.0"))
                #expect(
                    try await client.head(repository: "app", reference: "latest")?.digest
                        == server.initialDigest(of: "2.0"))
                let config = try #require(try await client.imageConfig(repository: "app", manifest: manifest))
                #expect(config.os == "linux")
                try await client.uploadBlob(repository: "app", data: Data("hello".utf8))
                try await client.deleteManifest(repository: "app", digest: manifest.digest)
                #expect(server.currentTags() == ["2.0", "latest"])
            }
            #expect(
                server.requests(on: .registry).contains {
                    $0.header("Authorization") == MisbehavingRegistry.basicAuthorization
                })
            #expect(server.requests(on: .elsewhere).isEmpty)
            Self.expectNothingLeaked(server)
        }
    }

    // MARK: Credentials stay home

    @Test("control: a blob redirect to storage on another host is followed, without credentials")
    func blobRedirectElsewhere() async throws {
        try await MisbehavingRegistry.with(mode: .blobRedirectElsewhere) { server in
            try await Self.withClient(server) { client in
                let manifest = try await client.manifest(repository: "app", reference: "1.0")
                let config = try #require(try await client.imageConfig(repository: "app", manifest: manifest))
                #expect(config.os == "linux")
            }
            #expect(!server.requests(on: .elsewhere).isEmpty, "the blob came from the other host")
            Self.expectNothingLeaked(server)
        }
    }

    @Test("a Link to another host is refused, not followed: nothing reaches it")
    func linkToOtherHost() async throws {
        try await MisbehavingRegistry.with(mode: .linkToOtherHost) { server in
            try await Self.withClient(server) { client in
                _ = await Self.expectError { _ = try await client.tags(repository: "app") }
                _ = await Self.expectError { _ = try await client.repositories() }
            }
            #expect(server.requests(on: .elsewhere).isEmpty, "\(server.requests(on: .elsewhere))")
            Self.expectNothingLeaked(server)
        }
    }

    @Test("a Link climbing out of /v2/ (.. and %2e%2e) is refused: no request leaves /v2/")
    func linkClimbing() async throws {
        try await MisbehavingRegistry.with(mode: .linkClimbing) { server in
            try await Self.withClient(server) { client in
                _ = await Self.expectError { _ = try await client.tags(repository: "app") }
                _ = await Self.expectError { _ = try await client.repositories() }
            }
            let outside = server.requests.filter { !$0.normalizedPath.hasPrefix("/v2/") || $0.hasDotDotSegment }
            #expect(outside.isEmpty, "\(outside)")
            Self.expectNothingLeaked(server)
        }
    }

    @Test("an upload Location on another host is refused: the blob never goes there")
    func uploadLocationOtherHost() async throws {
        try await MisbehavingRegistry.with(mode: .uploadLocationOtherHost) { server in
            try await Self.withClient(server) { client in
                _ = await Self.expectError { try await client.uploadBlob(repository: "app", data: Data("hello".utf8)) }
            }
            #expect(server.requests(on: .elsewhere).isEmpty, "\(server.requests(on: .elsewhere))")
            Self.expectNothingLeaked(server)
        }
    }

    @Test("a 401 from a redirect target is an error, not a challenge: no token is fetched there")
    func redirectThenBearerRealm() async throws {
        try await MisbehavingRegistry.with(mode: .redirectThenBearerRealm) { server in
            try await Self.withClient(server) { client in
                _ = await Self.expectError { _ = try await client.manifest(repository: "app", reference: "1.0") }
                _ = await Self.expectError { _ = try await client.head(repository: "app", reference: "1.0") }
            }
            let tokenRequests = server.requests(on: .elsewhere).filter { $0.rawPath == "/token" }
            #expect(tokenRequests.isEmpty, "\(tokenRequests)")
            Self.expectNothingLeaked(server)
        }
    }

    @Test("an http+unix:// redirect is never followed: GET and DELETE fail, and not as 'not found'")
    func redirectToUnixScheme() async throws {
        try await MisbehavingRegistry.with(mode: .redirectToUnixScheme) { server in
            let digest = try #require(server.initialDigest(of: "1.0"))
            try await Self.withClient(server) { client in
                let delete = await Self.expectError {
                    try await client.deleteManifest(repository: "app", digest: digest)
                }
                #expect(
                    delete?.kind != .notFound, "a refused redirect is not 'already gone': \(String(describing: delete))"
                )
                let get = await Self.expectError { _ = try await client.manifest(repository: "app", reference: "1.0") }
                #expect(get?.kind != .notFound, "\(String(describing: get))")
            }
            #expect(server.requests(on: .unixSocket).isEmpty, "\(server.requests(on: .unixSocket))")
            Self.expectNothingLeaked(server)
        }
    }

    // MARK: Names and paths

    @Test(
        "no request path ever has a '..' segment, whatever names the caller or the registry gives",
        arguments: [("a/../../etc", "1.0"), ("app", ".."), ("app", "../../../etc/passwd"), ("app/..", "1.0")])
    func dotDotNames(repository: String, reference: String) async throws {
        try await MisbehavingRegistry.with(mode: .dotDotNames) { server in
            try await Self.withClient(server) { client in
                _ = await Self.expectError {
                    _ = try await client.manifest(repository: repository, reference: reference)
                }
                _ = await Self.expectError { _ = try await client.head(repository: repository, reference: reference) }
                if ReferenceGrammar.isValidRepository(repository) {
                    // A valid repository lists, without the names outside the grammar.
                    let tags = try await client.tags(repository: repository)
                    #expect(tags.allSatisfy(ReferenceGrammar.isValidTag), "\(tags)")
                } else {
                    _ = await Self.expectError { _ = try await client.tags(repository: repository) }
                }
            }
            Self.expectNothingLeaked(server)
        }
    }

    // MARK: Content that lies

    @Test("a manifest whose bytes differ from its digest and Docker-Content-Digest is an error (by digest and by tag)")
    func digestMismatch() async throws {
        try await MisbehavingRegistry.with(mode: .digestMismatch) { server in
            let digest = try #require(server.untrustworthyDigests.first)
            try await Self.withClient(server) { client in
                let byDigest = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: digest.description)
                }
                #expect(byDigest?.kind == .digestMismatch)
                let byTag = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                #expect(byTag?.kind == .digestMismatch, "the body must match Docker-Content-Digest")
                let intact = try await client.manifest(repository: "app", reference: "2.0")
                #expect(intact.digest == server.initialDigest(of: "2.0"))
            }
            Self.expectNothingLeaked(server)
        }
    }

    @Test("schema1 is no excuse: a signed schema1 body that does not match its digest is an error")
    func schema1OtherContent() async throws {
        try await MisbehavingRegistry.with(mode: .schema1OtherContent) { server in
            let digest = try #require(server.untrustworthyDigests.first)
            try await Self.withClient(server) { client in
                let byDigest = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: digest.description)
                }
                #expect(byDigest?.kind == .digestMismatch)
                let byTag = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                #expect(byTag?.kind == .digestMismatch)
            }
        }
    }

    @Test("sha512 digests are verified too: a mismatch is an error, a match is accepted")
    func sha512Mismatch() async throws {
        try await MisbehavingRegistry.with(mode: .sha512Mismatch) { server in
            let bogus = try #require(server.untrustworthyDigests.first)
            let good = try #require(server.initialDigest(of: "2.0"))
            #expect(bogus.algorithm == "sha512" && good.algorithm == "sha512")
            try await Self.withClient(server) { client in
                let byDigest = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: bogus.description)
                }
                #expect(byDigest?.kind == .digestMismatch)
                let byTag = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                #expect(byTag?.kind == .digestMismatch)
                let accepted = try await client.manifest(repository: "app", reference: good.description)
                #expect(accepted.digest == good)
            }
        }
    }

    // MARK: Time and size bounds

    @Test("a body trickling at 1 byte/s ends at the request timeout, body included")
    func trickleBody() async throws {
        try await MisbehavingRegistry.with(mode: .trickleBody) { server in
            try await Self.withClient(server, timeout: .seconds(2)) { client in
                // Both at once: a client without a whole-request deadline takes ~45 s for each.
                async let tags = Self.expectError { _ = try await client.tags(repository: "app") }
                async let manifest = Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                let (tagsError, manifestError) = await (tags, manifest)
                #expect(tagsError?.kind == .timeout, "\(String(describing: tagsError))")
                #expect(manifestError?.kind == .timeout, "\(String(describing: manifestError))")
            }
        }
    }

    @Test("an endless body is cut at the size limit: catalog, tags and manifest are .tooLarge")
    func hugeBody() async throws {
        try await MisbehavingRegistry.with(mode: .hugeBody) { server in
            // The limit, not the clock, must end these: a timeout far above what 16 MiB on loopback
            // takes, even with the full suite on both cores.
            try await Self.withClient(server, timeout: .seconds(120)) { client in
                let catalog = await Self.expectError { _ = try await client.repositories() }
                #expect(catalog?.kind == .tooLarge)
                let tags = await Self.expectError { _ = try await client.tags(repository: "app") }
                #expect(tags?.kind == .tooLarge)
                let manifest = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                #expect(manifest?.kind == .tooLarge)
            }
        }
    }

    @Test("10,000 headers and a 1 MiB header: a clean error, no crash, no hang")
    func headerFlood() async throws {
        try await MisbehavingRegistry.with(mode: .headerFlood) { server in
            try await Self.withClient(server) { client in
                _ = await Self.expectError { _ = try await client.tags(repository: "app") }
                _ = await Self.expectError { _ = try await client.repositories() }
                _ = await Self.expectError { _ = try await client.manifest(repository: "app", reference: "1.0") }
            }
        }
    }

    @Test("a manifest nested 100,000 arrays deep is .invalidResponse, not a stack overflow")
    func deepJSON() async throws {
        try await MisbehavingRegistry.with(mode: .deepJSON) { server in
            try await Self.withClient(server) { client in
                let error = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                #expect(error?.kind == .invalidResponse)
            }
        }
    }

    @Test("HTML served as text/html for a catalog and a manifest is .invalidResponse")
    func badContentType() async throws {
        try await MisbehavingRegistry.with(mode: .badContentType) { server in
            try await Self.withClient(server) { client in
                let catalog = await Self.expectError { _ = try await client.repositories() }
                #expect(catalog?.kind == .invalidResponse)
                let manifest = await Self.expectError {
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                }
                #expect(manifest?.kind == .invalidResponse)
            }
        }
    }

    @Test("a token with CR LF in it is refused: no injected header reaches the registry")
    func tokenWithCRLF() async throws {
        try await MisbehavingRegistry.with(mode: .tokenWithCRLF) { server in
            try await Self.withClient(server) { client in
                let error = await Self.expectError { _ = try await client.tags(repository: "app") }
                #expect(error?.kind != .unreachable, "a bad token is the registry's fault, not the network's")
            }
            Self.expectNothingLeaked(server)
        }
    }

    @Test("huge and absurd Retry-After values (1e300, inf, year 9999) neither crash nor stall the client")
    func hugeRetryAfter() async throws {
        // In a child process, so that a trap (a Retry-After of 1e300 once trapped converting to
        // Int64) fails this test instead of taking the whole run down. The child's exit status says
        // how it went; its reason is on its stderr.
        await #expect(processExitsWith: .success) {
            exit(await HostileRegistryTests.hugeRetryAfterChild())
        }
    }

    /// The body of `hugeRetryAfter` in the child: 0 when the client coped, else 1 (with a reason on stderr).
    static func hugeRetryAfterChild() async -> Int32 {
        do {
            let (tags, repositories) = try await MisbehavingRegistry.with(mode: .hugeRetryAfter) { server in
                try await withClient(server) { client in
                    let tags = try await client.tags(repository: "app")
                    let repositories = try await client.repositories()
                    _ = try await client.manifest(repository: "app", reference: "1.0")
                    return (tags, repositories)
                }
            }
            guard tags == MisbehavingRegistry.tags, repositories == ["app"] else {
                FileHandle.standardError.write(Data("wrong answer: \(tags) \(repositories)\n".utf8))
                return 1
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("threw: \(error)\n".utf8))
            return 1
        }
    }
}
