import Foundation
import Logging
import Testing

@testable import RegistryClient

/// The client's side of ACR, request by request on an in-memory transport: detection, the
/// refresh-token login, JWT lifetimes, `/acr/v1` listings and what untrusted entries they drop.
/// (The whole flow against an emulated ACR is in the CLI tests.)
@Suite("ACR: the client side")
struct ACRClientTests {
    static let host = "acr.test"
    static let realm = "https://acr.test/oauth2/token"
    static let challenge = #"Bearer realm="https://acr.test/oauth2/token",service="acr.test""#

    /// A JWT with `exp` (unsigned: only the client's reading of `exp` is under test).
    static func jwt(exp: Date, id: String = "1") -> String {
        func encode(_ object: [String: Any]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return encode(["alg": "RS256", "typ": "JWT"]) + "."
            + encode(["exp": Int(exp.timeIntervalSince1970), "jti": id]) + ".c2ln"
    }

    /// A scripted ACR: `/oauth2/token` hands out JWTs living `lifetime` seconds by `clock`, without
    /// `expires_in` (as ACR answers); `/acr/v1/` routes answer `route`.
    final class FakeACR: Sendable {
        let clock = Locked(Date(timeIntervalSince1970: 2_000_000_000))
        let issued = Locked(0)
        let lifetime: TimeInterval
        let route: @Sendable (HTTPRequestData) -> HTTPResponseData

        init(lifetime: TimeInterval = 600, route: @escaping @Sendable (HTTPRequestData) -> HTTPResponseData) {
            self.lifetime = lifetime
            self.route = route
        }

        func respond(_ request: HTTPRequestData) -> HTTPResponseData {
            if request.url.path == "/oauth2/token" {
                let count = issued.withLock { count in
                    count += 1
                    return count
                }
                return .json(["access_token": ACRClientTests.jwt(exp: clock.current + lifetime, id: "\(count)")])
            }
            guard request.header("Authorization")?.hasPrefix("Bearer ") == true else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", ACRClientTests.challenge)])
            }
            return route(request)
        }
    }

    static func client(
        _ transport: ScriptedTransport, credentials: Credentials = .basic(username: "admin", password: "pw"),
        clock: Locked<Date>? = nil
    ) -> RegistryClient {
        RegistryClient(
            endpoint: RegistryEndpoint(name: host, scheme: "https"), credentials: credentials, transport: transport,
            concurrency: 4, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)), limits: RegistryLimits(),
            logger: Logger(label: "test"), onWarning: nil, now: { clock?.current ?? Date() })
    }

    @Test("a JWT's exp is read without trusting the token for anything else")
    func jwtExpiry() {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(JWTExpiry.seconds(until: Self.jwt(exp: now + 3600), from: now) == 3600)
        #expect(JWTExpiry.seconds(until: "not-a-jwt", from: now) == nil)
        #expect(JWTExpiry.seconds(until: "a.b.c", from: now) == nil)
        #expect(JWTExpiry.seconds(until: "e30.eyJleHAiOiJzb29uIn0.x", from: now) == nil, "exp must be a number")
    }

    @Test("an ACR access token (no expires_in) lives until its JWT exp, less the margin")
    func renewedByJWTExpiry() async throws {
        let acr = FakeACR(lifetime: 600) { _ in .json(["tags": []]) }
        let transport = ScriptedTransport { acr.respond($0) }
        let client = Self.client(transport, clock: acr.clock)
        _ = try await client.acrTags(repository: "app")
        acr.clock.withLock { $0.addTimeInterval(500) }
        _ = try await client.acrTags(repository: "app")
        #expect(await client.tokensFetched == 1, "a 600 s token is still good 500 s in (the default was 60 s)")
        acr.clock.withLock { $0.addTimeInterval(80) }
        _ = try await client.acrTags(repository: "app")
        #expect(await client.tokensFetched == 2, "renewed 30 s before its exp")
    }

    @Test("user 00000000-… logs in with the refresh-token grant, never sending the token as Basic")
    func refreshTokenUser() async throws {
        let acr = FakeACR { _ in .json(["tags": []]) }
        let transport = ScriptedTransport { acr.respond($0) }
        let client = Self.client(
            transport, credentials: .basic(username: Credentials.acrTokenUsername, password: "REFRESH-tok"))
        _ = try await client.acrTags(repository: "team/app")
        let tokenRequests = transport.requests.filter { $0.url.path == "/oauth2/token" }
        #expect(tokenRequests.count == 1)
        let form = String(decoding: tokenRequests.first?.body ?? Data(), as: UTF8.self)
        #expect(tokenRequests.first?.method == "POST")
        #expect(form.contains("grant_type=refresh_token"))
        #expect(form.contains("refresh_token=REFRESH-tok"))
        #expect(form.contains("scope=repository:team/app:metadata_read"), "\(form)")
        #expect(!transport.requests.contains { $0.header("Authorization")?.hasPrefix("Basic") == true })
    }

    @Test("ACR is told apart by its answers: its catalog, or a challenge from its own /oauth2/token")
    func detection() {
        let catalog = HTTPResponseData.json(["repositories": ["a"]])
        let challenge = HTTPResponseData.text(401, "", headers: [("WWW-Authenticate", Self.challenge)])
        let otherChallenge = HTTPResponseData.text(
            401, "", headers: [("WWW-Authenticate", #"Bearer realm="https://auth.docker.io/token""#)])
        #expect(RegistryClient.isACRAnswer(catalog))
        #expect(RegistryClient.isACRAnswer(challenge))
        #expect(!RegistryClient.isACRAnswer(otherChallenge))
        #expect(!RegistryClient.isACRAnswer(.text(404, "404 page not found")))
        #expect(!RegistryClient.isACRAnswer(.json(["name": "x"])), "a 200 that is not a catalog")
        #expect(RegistryAPI.isAzureHost("myregistry.azurecr.io"))
        #expect(RegistryAPI.isAzureHost("MyRegistry.azurecr.io:443"))
        #expect(!RegistryAPI.isAzureHost("azurecr.io.evil.example"))
        #expect(!RegistryAPI.isAzureHost(".azurecr.io"))
    }

    @Test("-r NAME without a dot is NAME.azurecr.io, as acr reads it; hosts with a port or dot are left alone")
    func bareRegistryName() throws {
        #expect(try RegistryEndpoint.parse("myregistry").name == "myregistry.azurecr.io")
        #expect(try RegistryEndpoint.parse("myregistry").scheme == "https")
        #expect(try RegistryEndpoint.parse("localhost").name == "localhost")
        #expect(try RegistryEndpoint.parse("my-host:5000").name == "my-host:5000")
        #expect(try RegistryEndpoint.parse("http://localhost").name == "localhost")
        #expect(try RegistryEndpoint.parse("registry.example.com").name == "registry.example.com")
    }

    @Test("tag pages follow Link's cursor exactly as given; entries with bad names or digests are dropped")
    func tagPaging() async throws {
        let good = "sha256:" + String(repeating: "a", count: 64)
        let acr = FakeACR { request in
            let query = request.url.query(percentEncoded: true) ?? ""
            if query.contains("last=") {
                return .json([
                    "registry": "acr.test", "imageName": "app",
                    "tags": [["name": "old", "digest": good, "lastUpdateTime": "2020-01-02T03:04:05.1234567Z"]],
                ])
            }
            return .json(
                [
                    "registry": "acr.test", "imageName": "app",
                    "tags": [
                        [
                            "name": "new", "digest": good, "createdTime": "2026-11-01T00:00:00Z",
                            "lastUpdateTime": "2026-11-30T10:00:00.5Z",
                            "changeableAttributes": [
                                "deleteEnabled": false, "writeEnabled": true, "readEnabled": true,
                                "listEnabled": true,
                            ],
                        ],
                        ["name": "bad\u{1b}[31m", "digest": good],
                        ["name": "nodigest", "digest": "sha256:zz"],
                    ],
                ],
                headers: [("Link", #"</acr/v1/app/_tags?last=c3VyZSU%2Bb3BhcXVl&n=3&orderby=timedesc>; rel="next""#)])
        }
        let transport = ScriptedTransport { acr.respond($0) }
        let client = Self.client(transport)
        let tags = try await client.acrTags(repository: "app")
        #expect(tags.map(\.name) == ["new", "old"])
        #expect(tags.first?.lock == .delete)
        #expect(tags.first?.lastUpdateTime == RFC3339.parse("2026-11-30T10:00:00.5Z"))
        #expect(tags.last?.lock == LockState.none)
        let pages = transport.requests.filter {
            $0.url.path == "/acr/v1/app/_tags" && $0.header("Authorization") != nil
        }
        #expect(pages.first?.url.query(percentEncoded: true)?.contains("orderby=timedesc") == true)
        #expect(
            pages.last?.url.query(percentEncoded: true)?.contains("last=c3VyZSU%2Bb3BhcXVl") == true,
            "the cursor goes back byte for byte: \(pages.last?.url.absoluteString ?? "")")
    }

    @Test("a locked item's 405 says what to do")
    func lockedMessage() async throws {
        let acr = FakeACR { request in
            .registryError(
                405, code: "REGISTRY_DISALLOWED_OPERATION",
                message: "The operation is disallowed on this registry, repository or image.")
        }
        let transport = ScriptedTransport { acr.respond($0) }
        let client = Self.client(transport)
        let error = await #expect(throws: RegistryError.self) {
            try await client.acrDeleteTag(repository: "app", tag: "v1")
        }
        #expect(error?.kind == .locked)
        #expect(error?.description.contains("--include-locked") == true)
        #expect(error?.description.contains("REGISTRY_DISALLOWED_OPERATION") == true)
    }
}
