import Foundation
import RegistryFixtures
import RegistryTestSupport
import Testing

@testable import RegistryClient

/// Bad input and misbehaving servers over the real transport (AsyncHTTPTransport).
@Suite("Real transport: bad input and misbehaving servers")
struct RegistryErrorPathTests {
    static let quick = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))

    /// A client for a plain-HTTP server on loopback.
    static func withClient<T>(
        host: String, credentials: Credentials = .anonymous, _ body: (RegistryClient) async throws -> T
    ) async throws -> T {
        let endpoint = try RegistryEndpoint.parse(host)
        return try await AsyncHTTPTransport.withTransport(requestTimeout: .seconds(10)) { transport in
            try await body(
                RegistryClient(endpoint: endpoint, credentials: credentials, transport: transport, retry: quick))
        }
    }

    @Test("an unreachable host (a closed port) is .unreachable with a hint about -r")
    func unreachable() async throws {
        let port = try await StubHTTPServer.closedPort()
        let error = try await Self.withClient(host: "127.0.0.1:\(port)") { client in
            await #expect(throws: RegistryError.self) { try await client.ping() }
        }
        #expect(error?.kind == .unreachable)
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
        #expect(error?.hint?.contains("-r") == true)
    }

    @Test("a server that does not answer in time is .timeout, with the --timeout hint")
    func timeout() async throws {
        try await StubHTTPServer.with({ _ in StubHTTPServer.Reply(status: 200, delay: .seconds(40)) }) { server in
            let endpoint = try RegistryEndpoint.parse(server.host)
            let clock = ContinuousClock()
            let started = clock.now
            let error = try await AsyncHTTPTransport.withTransport(requestTimeout: .seconds(1)) { transport in
                let client = RegistryClient(endpoint: endpoint, transport: transport, retry: .never)
                return await #expect(throws: RegistryError.self) { try await client.ping() }
            }
            #expect(error?.kind == .timeout)
            #expect(error?.description.contains("--timeout") == true)
            #expect(clock.now - started < .seconds(20), "the 1 s timeout, not the server's 40 s")
        }
    }

    @Test("a sub-second request timeout is honoured, not rounded down to zero")
    func subSecondTimeout() async throws {
        #expect(AsyncHTTPTransport.timeAmount(.milliseconds(900)) == .milliseconds(900))
        #expect(AsyncHTTPTransport.timeAmount(.microseconds(10)) == .milliseconds(1), "never none")
        #expect(AsyncHTTPTransport.timeAmount(.seconds(Int64.max)) == .milliseconds(1_000_000_000), "no trap")
        // And for real: a prompt server answers within 900 ms. A timeout rounded down to zero fails
        // every ping. Pings spread over ten seconds keep a loaded machine from failing this: on CI,
        // with the soak beside it, a stretch of several seconds passed in which no 900 ms request
        // came back in time (the client allows two timeouts per request, whatever `maxAttempts`).
        try await StubHTTPServer.with({ _ in .json("{}") }) { server in
            let endpoint = try RegistryEndpoint.parse(server.host)
            let retry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
            var failures: [String] = []
            try await AsyncHTTPTransport.withTransport(requestTimeout: .milliseconds(900)) { transport in
                let client = RegistryClient(endpoint: endpoint, transport: transport, retry: retry)
                for _ in 0..<20 {
                    do {
                        try await client.ping()
                        return
                    } catch {
                        failures.append(String(describing: error))
                        try await Task.sleep(for: .milliseconds(500))
                    }
                }
            }
            #expect(failures.count < 20, "no ping answered within 900 ms: \(failures.last ?? "")")
            #expect(server.requests.count > failures.count)
        }
    }

    @Test(
        "a wrong password is .unauthorized and the password appears nowhere in the text",
        arguments: [
            TestRegistry.AuthMode.basic, .token,
        ])
    func wrongPassword(mode: TestRegistry.AuthMode) async throws {
        try await TestRegistry.with(mode) { registry in
            let username = try #require(registry.username)
            let wrong = "Wr0ng-" + (registry.password ?? "") + "-pw"
            let credentials = Credentials.basic(username: username, password: wrong)
            try await registry.withClient(credentials: credentials) { client, _ in
                for operation in [
                    { try await client.ping() }, { _ = try await client.tags(repository: "app") },
                ] as [@Sendable () async throws -> Void] {
                    let error = await #expect(throws: RegistryError.self) { try await operation() }
                    #expect(error?.kind == .unauthorized)
                    let text = try #require(error?.description)
                    #expect(!text.contains(wrong))
                    #expect(!text.contains(Data("\(username):\(wrong)".utf8).base64EncodedString()))
                    #expect(text.contains(username), "say which user was refused")
                    #expect(text.contains("password"), "say what to check")
                    #expect(!String(reflecting: error as Any).contains(wrong))
                }
            }
        }
    }

    @Test("401 without credentials says how to pass them")
    func noCredentials() async throws {
        try await TestRegistry.with(.basic) { registry in
            try await registry.withClient(credentials: .anonymous) { client, _ in
                let error = await #expect(throws: RegistryError.self) { try await client.tags(repository: "app") }
                #expect(error?.kind == .unauthorized)
                #expect(error?.status == 401)
                let text = try #require(error?.description)
                #expect(text.contains("-u USER") && text.contains("--password-stdin"))
                #expect(text.contains("REGSWEEP_USERNAME") && text.contains("docker login"))
            }
        }
    }

    @Test("a blob larger than the limit is .tooLarge (real registry, real transport)")
    func oversizedBlob() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.withClient { client, _ in
                let image = try await FixturePusher(client: client).pushImage(
                    repository: "app", tags: ["1"], spec: Fixture.spec("big"))
                let manifest = try await client.manifest(repository: "app", reference: "1")
                let layer = try #require(manifest.layers.first)
                #expect(layer.size > 64)
                let error = await #expect(throws: RegistryError.self) {
                    try await client.blob(repository: "app", digest: layer.digest, maxBytes: 64)
                }
                #expect(error?.kind == .tooLarge)
                #expect(error?.description.contains("64") == true)
                #expect(try await client.blob(repository: "app", digest: layer.digest).count == Int(layer.size))
                #expect(manifest.digest == image.digest)
            }
        }
    }

    @Test("a manifest bigger than 4 MiB is .tooLarge, without reading it all")
    func oversizedManifest() async throws {
        let huge = Data(repeating: UInt8(ascii: " "), count: 6 << 20)
        try await StubHTTPServer.with({ request in
            request.uri == "/v2/"
                ? .json("{}")
                : StubHTTPServer.Reply(
                    status: 200, headers: [("Content-Type", MediaType.ociManifest)], body: huge)
        }) { server in
            try await Self.withClient(host: server.host) { client in
                let error = await #expect(throws: RegistryError.self) {
                    try await client.manifest(repository: "app", reference: "huge")
                }
                #expect(error?.kind == .tooLarge)
                #expect(error?.description.contains(String(RegistryClient.maxManifestBytes)) == true)
            }
        }
    }

    @Test("malformed JSON from the server is .invalidResponse: tag list, catalog, manifest")
    func malformedJSON() async throws {
        try await StubHTTPServer.with({ request in
            if request.uri.hasPrefix("/v2/app/manifests/") {
                return StubHTTPServer.Reply(
                    status: 200, headers: [("Content-Type", MediaType.ociManifest)], body: Data("{\"layers\": [".utf8))
            }
            return .json(#"{"tags": ["a", "b"#)
        }) { server in
            try await Self.withClient(host: server.host) { client in
                let tags = await #expect(throws: RegistryError.self) { try await client.tags(repository: "app") }
                #expect(tags?.kind == .invalidResponse)
                let catalog = await #expect(throws: RegistryError.self) { try await client.repositories() }
                #expect(catalog?.kind == .invalidResponse)
                let manifest = await #expect(throws: RegistryError.self) {
                    try await client.manifest(repository: "app", reference: "latest")
                }
                #expect(manifest?.kind == .invalidResponse)
            }
        }
    }

    @Test("tags over several pages with relative Links, over the real transport")
    func tagPages() async throws {
        let pages = [["a", "b"], ["c", "d"], ["e", "f"], ["g"]]
        try await StubHTTPServer.with({ request in
            let components = URLComponents(string: request.uri)
            let last = components?.queryItems?.first { $0.name == "last" }?.value
            let index = last.flatMap { last in pages.firstIndex { $0.last == last }.map { $0 + 1 } } ?? 0
            let body = #"{"name":"app","tags":["# + pages[index].map { "\"\($0)\"" }.joined(separator: ",") + "]}"
            let next =
                index + 1 < pages.count
                ? [("Link", "</v2/app/tags/list?last=\(pages[index].last ?? "")&n=2>; rel=\"next\"")] : []
            return .json(body, headers: next)
        }) { server in
            try await Self.withClient(host: server.host) { client in
                let tags = try await client.tags(repository: "app", pageSize: 2)
                #expect(tags == pages.flatMap { $0 })
            }
            #expect(server.requests.count == 4)
        }
    }

    @Test("a Link loop ends: each page read once")
    func linkLoop() async throws {
        try await StubHTTPServer.with({ request in
            if request.uri.contains("last=b") {
                return .json(#"{"tags":["c"]}"#, headers: [("Link", #"</v2/app/tags/list?n=2>; rel="next""#)])
            }
            return .json(#"{"tags":["a","b"]}"#, headers: [("Link", #"</v2/app/tags/list?last=b&n=2>; rel="next""#)])
        }) { server in
            try await Self.withClient(host: server.host) { client in
                let tags = try await client.tags(repository: "app", pageSize: 2)
                #expect(tags == ["a", "b", "c"])
            }
            #expect(server.requests.map(\.uri) == ["/v2/app/tags/list?n=2", "/v2/app/tags/list?last=b&n=2"])
        }
    }

    @Test("a cross-host redirect over the real transport arrives without Authorization")
    func crossHostRedirect() async throws {
        let blob = Data("{}".utf8)
        let digest = Digest.sha256(of: blob)
        try await StubHTTPServer.with({ _ in StubHTTPServer.Reply(status: 200, body: blob) }) { storage in
            let expected = "Basic " + Data("alice:pw-SECRET-6".utf8).base64EncodedString()
            try await StubHTTPServer.with({ request in
                guard request.header("Authorization") == expected else {
                    return .json(
                        #"{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}"#, status: 401,
                        headers: [("WWW-Authenticate", #"Basic realm="stub""#)])
                }
                // Same address, other host name: another origin as far as credentials go.
                return StubHTTPServer.Reply(
                    status: 307, headers: [("Location", "http://localhost:\(storage.port)/blob?sig=x")])
            }) { registry in
                let credentials = Credentials.basic(username: "alice", password: "pw-SECRET-6")
                try await Self.withClient(host: registry.host, credentials: credentials) { client in
                    let fetched = try await client.blob(repository: "app", digest: digest)
                    #expect(fetched == blob)
                }
                #expect(registry.requests.last?.header("Authorization") == expected)
            }
            #expect(storage.requests.count == 1)
            #expect(storage.requests.first?.header("Authorization") == nil)
        }
    }

    @Test("429 with Retry-After over the real transport is retried and then succeeds")
    func rateLimitedThenOK() async throws {
        let calls = Locked(0)
        try await StubHTTPServer.with({ _ in
            calls.increment() == 1
                ? .json(
                    #"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#, status: 429,
                    headers: [("Retry-After", "0")])
                : .json(#"{"tags":["a"]}"#)
        }) { server in
            try await Self.withClient(host: server.host) { client in
                let tags = try await client.tags(repository: "app")
                #expect(tags == ["a"])
            }
            #expect(server.requests.count == 2)
        }
    }
}
