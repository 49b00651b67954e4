import Foundation
import Logging
import Testing

@testable import RegistryClient

/// The path every request takes (auth, retries, redirects, pagination), against a scripted
/// in-memory transport: nothing here touches the network.
@Suite("Request path (scripted transport)")
struct RequestPathTests {
    static let registryHost = "registry.test"
    static let authHost = "auth.test"
    static let quickRetry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(20))

    static func client(
        _ transport: ScriptedTransport, credentials: Credentials = .anonymous, retry: RetryPolicy = quickRetry,
        concurrency: Int = 8
    ) -> RegistryClient {
        RegistryClient(
            endpoint: RegistryEndpoint(name: registryHost, scheme: "https"), credentials: credentials,
            transport: transport, concurrency: concurrency, retry: retry)
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// The repository in `/v2/<name>/tags/list` or `/v2/<name>/manifests/<ref>` or `/v2/<name>/blobs/<d>`.
    static func repository(in path: String) -> String {
        var rest = path.dropFirst("/v2/".count)
        for marker in ["/tags/list", "/manifests/", "/blobs/"] {
            if let range = rest.range(of: marker) {
                rest = rest[..<range.lowerBound]
                break
            }
        }
        return String(rest)
    }

    static let imageManifest = Data(
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "config":{"mediaType":"application/vnd.oci.image.config.v1+json",\
        "digest":"sha256:\(String(repeating: "c", count: 64))","size":2},"layers":[]}
        """.utf8)

    static func manifestResponse(_ body: Data = imageManifest, headers: [(String, String)] = []) -> HTTPResponseData {
        HTTPResponseData(status: 200, headers: [("Content-Type", MediaType.ociManifest)] + headers, body: body)
    }

    /// A registry wanting Bearer tokens from `auth.test`, whose token service names each token after
    /// its number and scope (`tok3|repository:x:pull`). The registry accepts a token for the scope it
    /// needs whose number `accepts` allows.
    final class BearerRegistry: Sendable {
        let issued = Locked(0)
        let accepts: Locked<@Sendable (Int) -> Bool> = Locked { _ in true }
        let refreshToken: String?
        let expiresIn: Int

        init(refreshToken: String? = nil, expiresIn: Int = 300) {
            self.refreshToken = refreshToken
            self.expiresIn = expiresIn
        }

        static func neededScope(for request: HTTPRequestData) -> String {
            let path = request.path
            if path == "/v2/_catalog" { return "registry:catalog:*" }
            if path == "/v2/" { return "" }
            let action = request.method == "DELETE" ? "delete" : "pull"
            return "repository:\(RequestPathTests.repository(in: path)):\(action)"
        }

        func respond(_ request: HTTPRequestData) -> HTTPResponseData {
            if request.url.host == RequestPathTests.authHost {
                let number = issued.increment()
                let scope = request.method == "POST" ? request.form["scope"] ?? "" : request.query("scope") ?? ""
                var answer: [String: Any] = ["token": "tok\(number)|\(scope)", "expires_in": expiresIn]
                if let refreshToken { answer["refresh_token"] = refreshToken }
                return .json(answer)
            }
            let needed = Self.neededScope(for: request)
            let accepted = accepts.current
            guard let header = request.header("Authorization"), header.hasPrefix("Bearer tok"),
                let bar = header.firstIndex(of: "|"),
                let number = Int(header[header.index(header.startIndex, offsetBy: 10)..<bar]),
                accepted(number), needed.isEmpty || header[header.index(after: bar)...] == needed
            else {
                let scope = needed.isEmpty ? "" : #","scope="\#(needed)""#
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [
                        (
                            "WWW-Authenticate",
                            #"Bearer realm="https://auth.test/token",service="registry.test""# + scope
                        )
                    ])
            }
            switch request.path {
            case "/v2/": return .json([:])
            case "/v2/_catalog": return .json(["repositories": ["my-app", "team/other"]])
            case let path where path.hasSuffix("/tags/list"): return .json(["name": "x", "tags": ["1.0", "latest"]])
            case let path where path.contains("/manifests/"): return RequestPathTests.manifestResponse()
            default: return .registryError(404, code: "NOT_FOUND", message: "no route")
            }
        }
    }

    // MARK: - Bearer

    @Test("Bearer: fifty concurrent first requests, all answered 401, cost one token")
    func concurrentFirstRequestsShareOneToken() async throws {
        let registry = BearerRegistry()
        let transport = ScriptedTransport { registry.respond($0) }
        let client = Self.client(transport)
        try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<50 { group.addTask { try await client.tags(repository: "my-app") } }
            for try await tags in group { #expect(tags == ["1.0", "latest"]) }
        }
        #expect(await client.tokensFetched == 1, "a late 401 must not throw away the token just fetched")
    }

    @Test("Bearer: one 401, then one token per scope, cached and sent up front")
    func bearerTokenCachedPerScope() async throws {
        let registry = BearerRegistry()
        let transport = ScriptedTransport { registry.respond($0) }
        let client = Self.client(transport)
        #expect(try await client.tags(repository: "my-app") == ["1.0", "latest"])
        #expect(try await client.tags(repository: "my-app") == ["1.0", "latest"])
        _ = try await client.manifest(repository: "my-app", reference: "latest")
        #expect(try await client.tags(repository: "team/other") == ["1.0", "latest"])
        #expect(try await client.repositories() == ["my-app", "team/other"])
        #expect(try await client.repositories() == ["my-app", "team/other"])

        let tokenRequests = transport.requests(to: Self.authHost)
        #expect(
            tokenRequests.map { $0.query("scope") }
                == ["repository:my-app:pull", "repository:team/other:pull", "registry:catalog:*"])
        #expect(tokenRequests.allSatisfy { $0.query("service") == "registry.test" && $0.method == "GET" })
        #expect(tokenRequests.allSatisfy { $0.header("Authorization") == nil }, "anonymous asks anonymously")
        #expect(await client.tokensFetched == 3)
        let registryRequests = transport.requests(to: Self.registryHost)
        #expect(registryRequests.count == 7, "one 401, then every request authorised up front")
        #expect(registryRequests.first?.header("Authorization") == nil)
        #expect(registryRequests.dropFirst().allSatisfy { $0.header("Authorization")?.hasPrefix("Bearer ") == true })
    }

    @Test("Bearer: parallel requests for one scope share one token request")
    func bearerCoalesced() async throws {
        let registry = BearerRegistry()
        let transport = ScriptedTransport(latency: .milliseconds(20)) { registry.respond($0) }
        let client = Self.client(transport)
        try await client.ping()
        try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<10 { group.addTask { try await client.tags(repository: "my-app") } }
            for try await tags in group { #expect(tags == ["1.0", "latest"]) }
        }
        #expect(await client.tokensFetched == 2)
        #expect(transport.requests(to: Self.authHost).map { $0.query("scope") } == [nil, "repository:my-app:pull"])
    }

    @Test("Bearer with a password: the token service gets it, the registry never; the refresh token replaces it")
    func bearerWithPassword() async throws {
        let registry = BearerRegistry(refreshToken: "refresh-1")
        let transport = ScriptedTransport { registry.respond($0) }
        let client = Self.client(transport, credentials: .basic(username: "alice", password: "pw-SECRET-1"))
        _ = try await client.tags(repository: "a")
        _ = try await client.tags(repository: "b")

        let tokenRequests = transport.requests(to: Self.authHost)
        try #require(tokenRequests.count == 2)
        #expect(tokenRequests[0].method == "GET")
        #expect(tokenRequests[0].header("Authorization") == Self.basic("alice", "pw-SECRET-1"))
        #expect(tokenRequests[0].query("offline_token") == "true")
        #expect(tokenRequests[1].method == "POST")
        #expect(tokenRequests[1].header("Authorization") == nil)
        #expect(tokenRequests[1].form["grant_type"] == "refresh_token")
        #expect(tokenRequests[1].form["refresh_token"] == "refresh-1")
        #expect(tokenRequests[1].form["scope"] == "repository:b:pull")
        #expect(tokenRequests[1].form["service"] == "registry.test")
        for request in transport.requests(to: Self.registryHost) {
            #expect(request.header("Authorization")?.hasPrefix("Basic") != true, "\(request.url)")
        }
    }

    @Test("Bearer with an identity token: the refresh grant over POST; errors never show the token")
    func identityToken() async throws {
        let transport = ScriptedTransport { request in
            if request.url.host == Self.authHost {
                return .json(["error": "invalid_grant"], status: 400)
            }
            return .registryError(
                401, code: "UNAUTHORIZED", message: "authentication required",
                headers: [("WWW-Authenticate", #"Bearer realm="https://auth.test/token",service="registry.test""#)])
        }
        let client = Self.client(transport, credentials: .identityToken("IDENTITY-TOKEN-XYZ"))
        let error = await #expect(throws: RegistryError.self) { try await client.tags(repository: "my-app") }
        let tokenRequest = try #require(transport.requests(to: Self.authHost).first)
        #expect(tokenRequest.method == "POST")
        #expect(tokenRequest.form["grant_type"] == "refresh_token")
        #expect(tokenRequest.form["refresh_token"] == "IDENTITY-TOKEN-XYZ")
        #expect(tokenRequest.form["scope"] == "repository:my-app:pull")
        #expect(error?.description.contains("IDENTITY-TOKEN-XYZ") == false)
    }

    @Test("Bearer: a refused cached token is dropped and renewed once, and the request succeeds")
    func reauthenticateOnce() async throws {
        let registry = BearerRegistry()
        let transport = ScriptedTransport { registry.respond($0) }
        let client = Self.client(transport)
        _ = try await client.tags(repository: "my-app")
        registry.accepts.withLock { accepts in accepts = { number in number >= 2 } }  // token 1 is revoked
        #expect(try await client.tags(repository: "my-app") == ["1.0", "latest"])
        #expect(await client.tokensFetched == 2)
        #expect(transport.requests(to: Self.registryHost).count == 4)
    }

    @Test("Bearer: a registry that refuses every token gets one re-authentication, then an error")
    func refusesEveryToken() async throws {
        let registry = BearerRegistry()
        registry.accepts.withLock { accepts in accepts = { _ in false } }
        let transport = ScriptedTransport { registry.respond($0) }
        let client = Self.client(transport)
        let error = await #expect(throws: RegistryError.self) { try await client.tags(repository: "my-app") }
        #expect(error?.kind == .unauthorized)
        #expect(error?.status == 401)
        #expect(error?.description.contains("REGSWEEP_USERNAME") == true, "anonymous: say how to log in")
        #expect(transport.requests(to: Self.registryHost).count == 2)
        #expect(transport.requests(to: Self.authHost).count == 1)
    }

    @Test("Bearer: a token is renewed before it expires")
    func tokenRenewal() async throws {
        let registry = BearerRegistry(expiresIn: 10)  // renewed 20 % early: stale after 8 s
        let transport = ScriptedTransport { registry.respond($0) }
        let clock = Locked(Date(timeIntervalSince1970: 2_000_000_000))
        let client = RegistryClient(
            endpoint: RegistryEndpoint(name: Self.registryHost, scheme: "https"), credentials: .anonymous,
            transport: transport, concurrency: 8, retry: Self.quickRetry, limits: RegistryLimits(),
            logger: Logger(label: "test"), onWarning: nil, now: { clock.current })
        _ = try await client.tags(repository: "my-app")
        clock.withLock { $0.addTimeInterval(7.9) }
        _ = try await client.tags(repository: "my-app")
        #expect(await client.tokensFetched == 1, "still good 7.9 s in")
        clock.withLock { $0.addTimeInterval(0.2) }
        _ = try await client.tags(repository: "my-app")
        #expect(await client.tokensFetched == 2, "stale 8.1 s in")
        let registryRequests = transport.requests(to: Self.registryHost)
        #expect(registryRequests.count == 4, "renewed up front, without another 401")
        #expect(registryRequests.last?.header("Authorization")?.hasPrefix("Bearer tok2|") == true)
    }

    @Test("the token service's failures are clear errors without the password")
    func tokenServiceFailures() async throws {
        let answer = Locked(HTTPResponseData.json(["details": "bad credentials"], status: 401))
        let transport = ScriptedTransport { request in
            if request.url.host == Self.authHost { return answer.current }
            return .registryError(
                401, code: "UNAUTHORIZED", message: "authentication required",
                headers: [("WWW-Authenticate", #"Bearer realm="https://auth.test/token",service="registry.test""#)])
        }
        let client = Self.client(transport, credentials: .basic(username: "alice", password: "pw-SECRET-2"))
        let refused = await #expect(throws: RegistryError.self) { try await client.ping() }
        #expect(refused?.kind == .unauthorized)
        #expect(refused?.description.contains("pw-SECRET-2") == false)
        #expect(refused?.description.contains("alice") == true)

        answer.withLock { $0 = .json(["expires_in": 60]) }
        let tokenless = await #expect(throws: RegistryError.self) { try await client.tags(repository: "x") }
        #expect(tokenless?.kind == .invalidResponse)
    }

    // MARK: - Basic

    @Test("Basic: answered after the first 401, then sent up front")
    func basicAuth() async throws {
        let expected = Self.basic("alice", "pw-SECRET-3")
        let transport = ScriptedTransport { request in
            guard request.header("Authorization") == expected else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Basic realm="Registry Realm""#)])
            }
            return request.url.path == "/v2/" ? .json([:]) : .json(["tags": ["a"]])
        }
        let client = Self.client(transport, credentials: .basic(username: "alice", password: "pw-SECRET-3"))
        try await client.ping()
        #expect(try await client.tags(repository: "my-app") == ["a"])
        let statuses = transport.requests.map { $0.header("Authorization") == expected }
        #expect(statuses == [false, true, true])
    }

    @Test("Basic with a wrong password: unauthorized after one retry; neither password nor header in the text")
    func basicWrongPassword() async throws {
        let transport = ScriptedTransport { _ in
            .registryError(
                401, code: "UNAUTHORIZED", message: "authentication required",
                headers: [("WWW-Authenticate", #"Basic realm="Registry Realm""#)])
        }
        let client = Self.client(transport, credentials: .basic(username: "alice", password: "pw-SECRET-4"))
        let error = await #expect(throws: RegistryError.self) { try await client.tags(repository: "my-app") }
        #expect(error?.kind == .unauthorized)
        #expect(error?.status == 401)
        let text = try #require(error?.description)
        #expect(!text.contains("pw-SECRET-4"))
        #expect(!text.contains(Data("alice:pw-SECRET-4".utf8).base64EncodedString()))
        #expect(text.contains("UNAUTHORIZED"))
        #expect(text.contains("Check the username and password"))
        #expect(transport.requests.count == 2)
    }

    @Test("Basic without credentials: one request, and the message says how to pass them")
    func basicWithoutCredentials() async throws {
        let transport = ScriptedTransport { _ in
            .registryError(
                401, code: "UNAUTHORIZED", message: "authentication required",
                headers: [("WWW-Authenticate", #"Basic realm="Registry Realm""#)])
        }
        let client = Self.client(transport)
        let error = await #expect(throws: RegistryError.self) { try await client.tags(repository: "my-app") }
        #expect(error?.kind == .unauthorized)
        let text = try #require(error?.description)
        #expect(text.contains("-u USER") && text.contains("--password-stdin") && text.contains("REGSWEEP_USERNAME"))
        #expect(transport.requests.count == 1)
    }

    @Test("403 is .forbidden, naming the permission the credentials lack")
    func forbidden() async throws {
        let transport = ScriptedTransport { _ in .registryError(403, code: "DENIED", message: "requested access denied")
        }
        let client = Self.client(transport, credentials: .basic(username: "alice", password: "pw"))
        let digest = Digest.sha256(of: Data("x".utf8))
        let error = await #expect(throws: RegistryError.self) {
            try await client.deleteManifest(repository: "my-app", digest: digest)
        }
        #expect(error?.kind == .forbidden)
        #expect(error?.description.contains("DENIED: requested access denied") == true)
        #expect(error?.hint?.contains("delete on my-app") == true)
        #expect(transport.requests.count == 1, "403 is not retried")
    }

    // MARK: - Retries

    @Test("429 is retried after the server's Retry-After, not the (long) backoff")
    func retryAfterHonoured() async throws {
        let calls = Locked(0)
        let transport = ScriptedTransport { _ in
            calls.increment() == 1
                ? .registryError(
                    429, code: "TOOMANYREQUESTS", message: "slow down", headers: [("Retry-After", "0.3")])
                : .json(["tags": ["a"]])
        }
        let client = Self.client(
            transport, retry: RetryPolicy(maxAttempts: 3, baseDelay: .seconds(20), maxDelay: .seconds(60)))
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try await client.tags(repository: "my-app") == ["a"])
        let elapsed = clock.now - started
        #expect(elapsed >= .milliseconds(300))
        #expect(elapsed < .seconds(15), "Retry-After, not the 20 s base delay")
        #expect(transport.requests.count == 2)
    }

    @Test("503 is retried with backoff until it succeeds")
    func retry503() async throws {
        let calls = Locked(0)
        let transport = ScriptedTransport { _ in
            calls.increment() < 3
                ? .registryError(503, code: "UNAVAILABLE", message: "try again") : .json(["tags": ["a"]])
        }
        let client = Self.client(
            transport, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)))
        #expect(try await client.tags(repository: "my-app") == ["a"])
        #expect(transport.requests.count == 3)
    }

    @Test(
        "after maxAttempts the error has the status, the registry's code and message, and the URL",
        arguments: [
            (503, "UNAVAILABLE", "the registry is in maintenance", RegistryError.Kind.server),
            (429, "TOOMANYREQUESTS", "pull rate limit exceeded", RegistryError.Kind.rateLimited),
        ])
    func givesUp(status: Int, code: String, message: String, kind: RegistryError.Kind) async throws {
        let transport = ScriptedTransport { _ in
            .registryError(status, code: code, message: message, headers: [("Retry-After", "0")])
        }
        let client = Self.client(transport)
        let error = await #expect(throws: RegistryError.self) { try await client.tags(repository: "my-app") }
        #expect(error?.kind == kind)
        #expect(error?.status == status)
        let text = try #require(error?.description)
        #expect(text.contains("HTTP \(status)"))
        #expect(text.contains("\(code): \(message)"))
        #expect(text.contains("https://registry.test/v2/my-app/tags/list"))
        #expect(transport.requests.count == Self.quickRetry.maxAttempts)
    }

    @Test("connection failures are retried; TLS failures are not")
    func transportErrors() async throws {
        let calls = Locked(0)
        let flaky = ScriptedTransport { _ throws(RegistryError) in
            if calls.increment() < 3 { throw RegistryError(.unreachable, "connection refused") }
            return .json(["tags": ["a"]])
        }
        #expect(try await Self.client(flaky).tags(repository: "my-app") == ["a"])
        #expect(flaky.requests.count == 3)

        let untrusted = ScriptedTransport { _ throws(RegistryError) in throw RegistryError(.tls, "unknown CA") }
        let error = await #expect(throws: RegistryError.self) {
            try await Self.client(untrusted).tags(repository: "my-app")
        }
        #expect(error?.kind == .tls)
        #expect(untrusted.requests.count == 1)
    }

    @Test("one concurrency limit bounds all requests of a client")
    func concurrencyLimit() async throws {
        let transport = ScriptedTransport(latency: .milliseconds(30)) { request in
            request.url.path.hasSuffix("/tags/list") ? .json(["tags": ["a"]]) : Self.manifestResponse()
        }
        let client = Self.client(transport, concurrency: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask { _ = try await client.tags(repository: "repo\(index)") }
                group.addTask { _ = try await client.manifest(repository: "repo\(index)", reference: "latest") }
            }
            try await group.waitForAll()
        }
        #expect(transport.requests.count == 12)
        #expect(transport.mostInFlight == 2)
    }

    // MARK: - Redirects

    @Test("a redirect to another host drops Authorization; one on the same host keeps it")
    func redirects() async throws {
        let blob = Data("config".utf8)
        let digest = Digest.sha256(of: blob)
        let expected = Self.basic("alice", "pw-SECRET-5")
        let transport = ScriptedTransport { request in
            if request.url.host == "storage.test" { return HTTPResponseData(status: 200, body: blob) }
            guard request.header("Authorization") == expected else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Basic realm="r""#)])
            }
            if request.url.path.hasPrefix("/v2/cross/") {
                return .text(307, "", headers: [("Location", "https://storage.test/blobs/\(digest.hex)?sig=abc")])
            }
            if request.query("moved") == nil {
                return .text(302, "", headers: [("Location", "/v2/same/blobs/\(digest)?moved=1")])
            }
            return HTTPResponseData(status: 200, body: blob)
        }
        let client = Self.client(transport, credentials: .basic(username: "alice", password: "pw-SECRET-5"))

        #expect(try await client.blob(repository: "cross", digest: digest) == blob)
        let storage = try #require(transport.requests(to: "storage.test").first)
        #expect(storage.header("Authorization") == nil)
        #expect(storage.url.query == "sig=abc")

        #expect(try await client.blob(repository: "same", digest: digest) == blob)
        let moved = try #require(transport.requests.last)
        #expect(moved.url.absoluteString == "https://registry.test/v2/same/blobs/\(digest)?moved=1")
        #expect(moved.header("Authorization") == expected)
    }

    @Test("a redirect loop ends with an error")
    func redirectLoop() async throws {
        let transport = ScriptedTransport { request in
            .text(302, "", headers: [("Location", request.url.path)])
        }
        let error = await #expect(throws: RegistryError.self) { try await Self.client(transport).ping() }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains("redirect") == true)
        #expect(transport.requests.count < 20)
    }

    // MARK: - Pagination

    @Test("tags across pages: relative and absolute Link targets, n as asked")
    func tagPages() async throws {
        let transport = ScriptedTransport { request in
            switch request.query("last") {
            case nil:
                return .json(
                    ["tags": ["a", "b"]], headers: [("Link", #"</v2/my-app/tags/list?last=b&n=2>; rel="next""#)])
            case "b":
                return .json(
                    ["tags": ["c", "d"]],
                    headers: [("Link", #"<https://registry.test/v2/my-app/tags/list?last=d&n=2>; rel="next""#)])
            default:
                return .json(["tags": ["e"]])
            }
        }
        #expect(try await Self.client(transport).tags(repository: "my-app", pageSize: 2) == ["a", "b", "c", "d", "e"])
        #expect(transport.requests.map { $0.query("last") } == [nil, "b", "d"])
        #expect(transport.requests.first?.query("n") == "2")
    }

    @Test("a Link loop ends the walk instead of looping", arguments: ["a", "b"])
    func linkLoop(loopTo: String) async throws {
        // Page a is the first URL (`?n=1000`); page b links back to it, or to itself.
        let back = loopTo == "a" ? "/v2/my-app/tags/list?n=1000" : "/v2/my-app/tags/list?page=b"
        let transport = ScriptedTransport { request in
            let page = request.query("page") ?? "a"
            let next = page == "a" ? "/v2/my-app/tags/list?page=b" : back
            return .json(
                ["tags": page == "a" ? ["1", "2"] : ["3"]], headers: [("Link", "<\(next)>; rel=\"next\"")])
        }
        let tags = try await Self.client(transport).tags(repository: "my-app")
        #expect(tags == ["1", "2", "3"])
        #expect(transport.requests.count == 2)
    }

    @Test("the catalog is paginated too, with n capped at 1000")
    func catalogPages() async throws {
        let transport = ScriptedTransport { request in
            request.query("last") == nil
                ? .json(["repositories": ["a"]], headers: [("Link", #"</v2/_catalog?last=a&n=1000>; rel="next""#)])
                : .json(["repositories": ["b"]])
        }
        #expect(try await Self.client(transport).repositories(pageSize: 5000) == ["a", "b"])
        #expect(transport.requests.first?.query("n") == "1000")
    }

    @Test("a listing that is not the expected JSON is an invalidResponse error")
    func malformedListing() async throws {
        let transport = ScriptedTransport { _ in .text(200, "{\"tags\": [1, 2") }
        let error = await #expect(throws: RegistryError.self) { try await Self.client(transport).tags(repository: "x") }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains("https://registry.test/v2/x/tags/list") == true)
    }

    // MARK: - Manifests

    @Test("GET by tag: the full Accept list, and the digest proven by the body and the header")
    func manifestByTag() async throws {
        let right = Digest.sha256(of: Self.imageManifest)
        let transport = ScriptedTransport { _ in
            Self.manifestResponse(headers: [("Docker-Content-Digest", right.description)])
        }
        let manifest = try await Self.client(transport).manifest(repository: "my-app", reference: "latest")
        #expect(manifest.digest == right)
        let accept = try #require(transport.requests.first?.header("Accept"))
        for type in MediaType.manifestAccept { #expect(accept.contains(type), "\(type)") }
    }

    @Test("GET by tag: a Docker-Content-Digest the body does not hash to is refused, not ignored")
    func manifestHeaderLie() async throws {
        let lie = "sha256:" + String(repeating: "f", count: 64)
        let transport = ScriptedTransport { _ in Self.manifestResponse(headers: [("Docker-Content-Digest", lie)]) }
        let error = await #expect(throws: RegistryError.self) {
            try await Self.client(transport).manifest(repository: "my-app", reference: "latest")
        }
        #expect(error?.kind == .digestMismatch)
    }

    @Test("GET by digest: content that does not hash to it is refused")
    func manifestDigestMismatch() async throws {
        let transport = ScriptedTransport { _ in Self.manifestResponse() }
        let other = try #require(Digest("sha256:" + String(repeating: "0", count: 64)))
        let error = await #expect(throws: RegistryError.self) {
            try await Self.client(transport).manifest(repository: "my-app", reference: other.description)
        }
        #expect(error?.kind == .digestMismatch)
        let right = Digest.sha256(of: Self.imageManifest)
        #expect(
            try await Self.client(transport).manifest(repository: "my-app", reference: right.description).digest
                == right)
    }

    @Test("a registry with the referrers API (distribution 3, zot): found with GETs only, never a DELETE probe")
    func modernRegistry() async throws {
        let referrer = Digest.sha256(of: Data("sig".utf8))
        let transport = ScriptedTransport { request in
            let path = request.path
            if path.contains("/referrers/") {
                return HTTPResponseData(
                    status: 200, headers: [("Content-Type", MediaType.ociIndex)],
                    body: Data(
                        """
                        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
                        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(referrer)","size":9,\
                        "artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json"}]}
                        """.utf8))
            }
            if request.method == "DELETE" { return .registryError(404, code: "MANIFEST_UNKNOWN", message: "unknown") }
            if path == "/v2/_catalog" { return .json(["repositories": ["app"]]) }
            return .registryError(404, code: "NOT_FOUND", message: "")
        }
        let client = Self.client(transport)
        let capabilities = try await client.capabilities(repository: "app")
        #expect(
            capabilities
                == RegistryCapabilities(tagDeletion: nil, deleteEnabled: nil, referrersAPI: true, catalog: true))
        #expect(transport.requests.allSatisfy { $0.method == "GET" }, "a preview must be provably read-only")

        let subject = Digest.sha256(of: Self.imageManifest)
        let found = try await client.referrers(repository: "app", digest: subject)
        #expect(found.source == .api)
        #expect(found.descriptors.map(\.digest) == [referrer])
        #expect(found.descriptors.first?.artifactType == "application/vnd.dev.cosign.artifact.sig.v1+json")
    }

    @Test("HEAD without Docker-Content-Digest falls back to GET; 404 means absent")
    func headFallback() async throws {
        let transport = ScriptedTransport { request in
            if request.url.path.hasSuffix("/gone") { return .registryError(404, code: "MANIFEST_UNKNOWN", message: "") }
            return request.method == "HEAD"
                ? HTTPResponseData(status: 200, headers: [("Content-Type", MediaType.ociManifest)])
                : Self.manifestResponse()
        }
        let client = Self.client(transport)
        let head = try #require(try await client.head(repository: "my-app", reference: "latest"))
        #expect(head.digest == Digest.sha256(of: Self.imageManifest))
        #expect(transport.requests.map(\.method) == ["HEAD", "GET"])
        #expect(try await client.head(repository: "my-app", reference: "gone") == nil)
    }
}
