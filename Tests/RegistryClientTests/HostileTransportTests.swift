import Foundation
import RegistryClient
import Testing

/// The parts of issue 8 that need hosts other than loopback: an in-memory transport stands in for
/// the network, so nothing is ever sent to those addresses.
@Suite("Hostile registry: redirects, realms, pages and tokens (in memory)", .timeLimit(.minutes(3)))
struct HostileTransportTests {
    static let registryHost = "registry.example.test"
    static let credentials = Credentials.basic(username: "alice", password: "pw-SECRET-8")
    static let basic = "Basic " + Data("alice:pw-SECRET-8".utf8).base64EncodedString()
    static let manifestBody = Data(
        #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#.utf8)

    static func client(
        _ transport: ScriptedTransport,
        endpoint: RegistryEndpoint = RegistryEndpoint(name: registryHost, scheme: "https"),
        limits: RegistryLimits = RegistryLimits()
    ) -> RegistryClient {
        RegistryClient(
            endpoint: endpoint, credentials: credentials, transport: transport,
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
            limits: limits)
    }

    static func manifestReply() -> HTTPResponseData {
        HTTPResponseData(
            status: 200,
            headers: [
                ("Content-Type", MediaType.ociManifest),
                ("Docker-Content-Digest", Digest.sha256(of: manifestBody).description),
            ],
            body: manifestBody)
    }

    // MARK: Redirect schemes

    @Test(
        "only https redirects are followed from an https registry: a downgrade or another scheme is an error",
        arguments: [
            "http://registry.example.test/v2/app/manifests/1.0",
            "http+unix://%2Fvar%2Frun%2Fdocker.sock/v2/app/manifests/1.0",
            "unix:///var/run/docker.sock",
            "file:///etc/passwd",
            "ftp://registry.example.test/v2/app/manifests/1.0",
            "gopher://registry.example.test:70/1",
            "javascript:alert(1)",
        ])
    func redirectSchemes(target: String) async throws {
        let digest = Digest.sha256(of: Self.manifestBody)
        let transport = ScriptedTransport { request throws(RegistryError) in
            let home = request.url.scheme == "https" && request.url.host == Self.registryHost
            guard home else {
                // Reached only if the client followed: answer what would fool it most.
                return request.method == "DELETE"
                    ? .registryError(404, code: "MANIFEST_UNKNOWN", message: "gone") : Self.manifestReply()
            }
            if request.path == "/v2/" { return .json([:]) }
            return .text(302, "", headers: [("Location", target)])
        }
        let client = Self.client(transport)
        await #expect(throws: RegistryError.self) { _ = try await client.manifest(repository: "app", reference: "1.0") }
        let deletion = await #expect(throws: RegistryError.self) {
            try await client.deleteManifest(repository: "app", digest: digest)
        }
        #expect(deletion?.kind != .notFound, "a refused redirect is not 'already gone'")
        let away = transport.requests.filter { $0.url.scheme != "https" || $0.url.host != Self.registryHost }
        #expect(away.isEmpty, "followed to \(away.map(\.url))")
    }

    @Test("control: an https redirect to blob storage on another host is followed, without Authorization")
    func httpsRedirectToStorage() async throws {
        let blob = Data("{}".utf8)
        let transport = ScriptedTransport { request throws(RegistryError) in
            if request.url.host == "storage.example.test" { return HTTPResponseData(status: 200, body: blob) }
            guard request.header("Authorization") == Self.basic else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "log in", headers: [("WWW-Authenticate", #"Basic realm="r""#)])
            }
            return .text(307, "", headers: [("Location", "https://storage.example.test/blob?sig=x")])
        }
        let fetched = try await Self.client(transport).blob(repository: "app", digest: Digest.sha256(of: blob))
        #expect(fetched == blob)
        #expect(transport.requests(to: "storage.example.test").allSatisfy { $0.header("Authorization") == nil })
    }

    // MARK: Token realms

    @Test(
        "Basic credentials never go over plain HTTP to a non-loopback token realm, whatever its name looks like",
        arguments: [
            RegistryEndpoint(name: registryHost, scheme: "https"),
            RegistryEndpoint(name: "127.0.0.1:5000", scheme: "http"),
        ], ["auth.example.test", "127.0.0.1.evil.example", "127.attacker.net"])
    func plainHTTPRealm(endpoint: RegistryEndpoint, realmHost: String) async throws {
        let transport = ScriptedTransport { request throws(RegistryError) in
            if request.url.host == realmHost { return .json(["token": "t0ken", "expires_in": 300]) }
            guard request.header("Authorization") == "Bearer t0ken" else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "token needed",
                    headers: [("WWW-Authenticate", #"Bearer realm="http://\#(realmHost)/token",service="reg""#)])
            }
            return .json(["name": "app", "tags": ["1.0"]])
        }
        _ = try? await Self.client(transport, endpoint: endpoint).tags(repository: "app")
        let exposed = transport.requests.filter { $0.url.scheme == "http" && $0.url.host == realmHost }
            .filter { $0.header("Authorization") != nil }
        #expect(exposed.isEmpty, "Basic credentials went in clear to \(exposed.map(\.url))")
    }

    @Test("control: the token realm the registry names over https gets the Basic credentials")
    func httpsRealmGetsCredentials() async throws {
        let transport = ScriptedTransport { request throws(RegistryError) in
            if request.url.host == "auth.example.test" { return .json(["token": "t0ken", "expires_in": 300]) }
            guard request.header("Authorization") == "Bearer t0ken" else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "token needed",
                    headers: [("WWW-Authenticate", #"Bearer realm="https://auth.example.test/token",service="reg""#)])
            }
            return .json(["name": "app", "tags": ["1.0"]])
        }
        #expect(try await Self.client(transport).tags(repository: "app") == ["1.0"])
        #expect(transport.requests(to: "auth.example.test").first?.header("Authorization") == Self.basic)
    }

    // MARK: Tokens with line breaks

    @Test(
        "a token containing CR, LF or NUL is refused: no header sent contains them",
        arguments: ["abc\r\nX-Injected: yes", "abc\nX-Injected: yes", "abc\rX", "abc\u{0}def", "\r\n"])
    func tokenWithLineBreaks(token: String) async throws {
        let transport = ScriptedTransport { request throws(RegistryError) in
            if request.path == "/token" { return .json(["token": token, "expires_in": 300]) }
            return .registryError(
                401, code: "UNAUTHORIZED", message: "token needed",
                headers: [("WWW-Authenticate", #"Bearer realm="https://registry.example.test/token",service="reg""#)])
        }
        await #expect(throws: RegistryError.self) { _ = try await Self.client(transport).tags(repository: "app") }
        let broken = transport.requests.filter { request in
            request.headers.contains { name, value in
                (name + value).unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\u{0}" }
            }
        }
        #expect(broken.isEmpty, "headers with CR/LF/NUL: \(broken.map(\.headers))")
    }

    // MARK: Pages

    @Test(
        "endless distinct pages stop at the page cap (default 10,000) with an error that says so",
        arguments: ["tags", "catalog"])
    func endlessPages(listing: String) async throws {
        let transport = ScriptedTransport { request throws(RegistryError) in
            let page = Int(request.query("last")?.dropFirst() ?? "0") ?? 0
            let base = listing == "tags" ? "/v2/app/tags/list" : "/v2/_catalog"
            // The transport gives up at 20,000 pages so that a client without a cap still ends.
            let link = page < 20_000 ? [("Link", "<\(base)?last=p\(page + 1)&n=1>; rel=\"next\"")] : []
            return .json([listing == "tags" ? "tags" : "repositories": ["p\(page)"]], headers: link)
        }
        let client = Self.client(transport)
        let error = await #expect(throws: RegistryError.self) {
            if listing == "tags" {
                _ = try await client.tags(repository: "app")
            } else {
                _ = try await client.repositories()
            }
        }
        #expect(transport.requests.count <= 10_001, "read \(transport.requests.count) pages")
        #expect(error?.description.contains("page") == true, "\(String(describing: error))")
    }

    @Test("a small page cap stops the walk exactly there, as tooManyPages")
    func smallPageCap() async throws {
        let transport = ScriptedTransport { request throws(RegistryError) in
            let page = Int(request.query("last")?.dropFirst() ?? "0") ?? 0
            return .json(
                ["tags": ["p\(page)"]], headers: [("Link", "</v2/app/tags/list?last=p\(page + 1)&n=1>; rel=\"next\"")])
        }
        let client = Self.client(transport, limits: RegistryLimits(maxPages: 5))
        let error = await #expect(throws: RegistryError.self) { _ = try await client.tags(repository: "app") }
        #expect(error?.kind == .tooManyPages)
        #expect(transport.requests.count == 5)
    }
}
