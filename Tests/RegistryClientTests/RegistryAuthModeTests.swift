import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// The client against a real `docker-registry` in every auth mode and over TLS.
@Suite("Real registry: auth modes and TLS")
struct RegistryAuthModeTests {
    @Test("ping, push, list, fetch and resolve", arguments: TestRegistry.AuthMode.allCases)
    func everyMode(mode: TestRegistry.AuthMode) async throws {
        try await TestRegistry.with(mode) { registry in
            let endpoint = try registry.endpoint()
            #expect(endpoint.scheme == (mode.usesTLS ? "https" : "http"))
            try await registry.withClient { client, recorder in
                try await client.ping()
                let pusher = FixturePusher(client: client)
                let pushed = try await pusher.pushImage(
                    repository: "team/app", tags: ["1.0", "latest"], spec: Fixture.spec("auth-\(mode)"))

                #expect(try await client.tags(repository: "team/app").sorted() == ["1.0", "latest"])
                #expect(try await client.repositories() == ["team/app"])
                let manifest = try await client.manifest(repository: "team/app", reference: "latest")
                #expect(manifest.digest == pushed.digest)
                #expect(manifest.kind == .image)
                let config = try await client.imageConfig(repository: "team/app", manifest: manifest)
                #expect(config?.created == Fixture.created)
                #expect(try await client.head(repository: "team/app", reference: "1.0")?.digest == pushed.digest)
                #expect(recorder.exchanges.allSatisfy { $0.url.scheme == endpoint.scheme })

                let refusals = recorder.exchanges.filter { $0.status == 401 }.count
                if mode.hasCredentials {
                    #expect(refusals >= 1, "the registry should have challenged at least once")
                } else {
                    #expect(refusals == 0)
                }
            }
            #expect(try await Skopeo.listTags(registry, repository: "team/app").sorted() == ["1.0", "latest"])
        }
    }

    @Test("token mode: one token per scope, refresh grant after the first, counted by the issuer")
    func tokenScopes() async throws {
        try await TestRegistry.with(.token) { registry in
            let issuer = try #require(registry.tokenIssuer)
            try await registry.withPusher { pusher in
                _ = try await pusher.pushImage(repository: "app", tags: ["1"], spec: Fixture.spec("token-scopes"))
            }
            issuer.resetRecords()
            try await registry.withClient { client, _ in
                for _ in 0..<3 {
                    _ = try await client.tags(repository: "app")
                    _ = try await client.manifest(repository: "app", reference: "1")
                    _ = try await client.repositories()
                }
                #expect(await client.tokensFetched == 2)
            }
            #expect(issuer.issuedTokenCount == 2)
            #expect(issuer.requestedScopes == ["repository:app:pull", "registry:catalog:*"])
            #expect(issuer.requests.map(\.account) == [registry.username, registry.username])
            #expect(issuer.requests.last?.grantType == "refresh_token", "the password is sent only once")
        }
    }

    @Test("token mode: a short expires_in makes the client renew its token")
    func tokenRenewal() async throws {
        // 3 s: the client renews 20 % early, so the token is stale to it 2.4 s after issue and to the
        // registry after 3 s. Nothing here depends on how fast a request is: reuse of a fresh token
        // is the scripted request-path tests' job, where the clock is moved by hand.
        let configuration = TokenIssuer.Configuration(expiresIn: 3)
        try await TestRegistry.with(.token, tokenConfiguration: configuration) { registry in
            let issuer = try #require(registry.tokenIssuer)
            try await registry.withPusher { pusher in
                _ = try await pusher.pushImage(repository: "app", tags: ["1"], spec: Fixture.spec("renewal"))
            }
            issuer.resetRecords()
            try await registry.withClient { client, recorder in
                _ = try await client.tags(repository: "app")
                #expect(issuer.issuedTokenCount == 1)
                try await Task.sleep(for: .milliseconds(3100))
                #expect(try await client.tags(repository: "app") == ["1"])
                #expect(issuer.issuedTokenCount == 2)
                #expect(await client.tokensFetched == 2)
                #expect(issuer.requests.map(\.status) == [200, 200])
                #expect(issuer.requestedScopes == ["repository:app:pull", "repository:app:pull"])
                let refusals = recorder.exchanges.filter { $0.status == 401 }
                #expect(refusals.count == 1, "only the first challenge: renewed before the registry refused")
            }
        }
    }

    @Test("token mode anonymously: pull works with the anonymous token; the catalog says how to log in")
    func tokenAnonymous() async throws {
        try await TestRegistry.with(.token) { registry in
            try await registry.withPusher { pusher in
                _ = try await pusher.pushImage(repository: "app", tags: ["1"], spec: Fixture.spec("anonymous"))
            }
            try await registry.withClient(credentials: .anonymous) { client, _ in
                let tags = try await client.tags(repository: "app")
                #expect(tags == ["1"])
                let error = await #expect(throws: RegistryError.self) { try await client.repositories() }
                #expect(error?.kind == .unauthorized)
                #expect(error?.description.contains("REGSWEEP_USERNAME") == true)
            }
            #expect(registry.tokenIssuer?.requests.contains { $0.account == nil && $0.status == 200 } == true)
        }
    }

    @Test("token mode: deleting a tag asks for push and delete scopes, and works")
    func tokenDelete() async throws {
        try await TestRegistry.with(.token) { registry in
            let issuer = try #require(registry.tokenIssuer)
            try await registry.withClient { client, _ in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(
                    repository: "app", tags: ["old", "keep"], spec: Fixture.spec("token-delete"))
                try await client.deleteTag(repository: "app", tag: "old", using: .placeholder)
                #expect(try await client.tags(repository: "app") == ["keep"])
                #expect(try await client.head(repository: "app", reference: "keep")?.digest == image.digest)
            }
            // The registry names actions in no fixed order (`pull,push` or `push,pull`): compare sets.
            let actions = issuer.requestedScopes.compactMap(TokenIssuer.Access.init(scope:)).filter {
                $0.type == "repository" && $0.name == "app"
            }.map { Set($0.actions) }
            #expect(actions.contains(["delete"]), "\(issuer.requestedScopes)")
            #expect(actions.contains(["pull", "push"]), "\(issuer.requestedScopes)")
        }
    }

    @Test("TLS without the CA certificate fails with a TLS error that says to pass --ca-cert")
    func tlsWithoutCA() async throws {
        try await TestRegistry.with(.tls) { registry in
            let endpoint = try RegistryEndpoint.parse("https://" + registry.host)
            let error = try await AsyncHTTPTransport.withTransport { transport in
                let client = RegistryClient(endpoint: endpoint, transport: transport, retry: .never)
                return await #expect(throws: RegistryError.self) { try await client.ping() }
            }
            #expect(error?.kind == .tls)
            #expect(error?.description.contains("--ca-cert") == true)
            // With --insecure it works (and the CLI warns about it).
            try await AsyncHTTPTransport.withTransport(tls: TLSOptions(insecure: true)) { transport in
                try await RegistryClient(endpoint: endpoint, transport: transport).ping()
            }
        }
    }

    @Test("a CA file that is not PEM is refused up front")
    func badCAFile() throws {
        let path = FileManager.default.temporaryDirectory.path + "/regsweep-not-a-ca-\(UUID().uuidString).pem"
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: RegistryError.self) {
            _ = try AsyncHTTPTransport(tls: TLSOptions(caCertificatePath: path))
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.description.contains(path) == true)
    }
}
