import Foundation
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Checks the test harness itself against the real registry, with a client that shares no code with
/// RegistryClient: `curl` (see `HTTP`).
@Suite("Test registry harness")
struct HarnessTests {
    @Test("no auth: /v2/ answers 200; everything is cleaned up afterwards")
    func plainRegistry() async throws {
        let (directory, pid, port) = try await TestRegistry.with(.none) { registry in
            #expect(registry.host == "127.0.0.1:\(registry.port)")
            #expect(registry.baseURL.absoluteString == "http://127.0.0.1:\(registry.port)")
            #expect(FileManager.default.fileExists(atPath: registry.storageDirectory))
            #expect(FileManager.default.fileExists(atPath: registry.configPath))
            #expect(registry.username == nil && registry.caCertificatePath == nil && registry.tokenIssuer == nil)
            let answer = try await HTTP.send(url(registry, "/v2/"))
            #expect(answer.status == 200, "\(registry.logTail())")
            #expect(answer.headers["docker-distribution-api-version"] == "registry/2.0")
            return (registry.directory, registry.processIdentifier, registry.port)
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(kill(pid, 0) == -1, "the registry process should be gone")
        await #expect(throws: (any Error).self) {
            try await HTTP.send(try #require(URL(string: "http://127.0.0.1:\(port)/v2/")))
        }
    }

    @Test("the port comes from the registry's own 'listening on' line, plain and TLS")
    func portFromTheLog() {
        let prefix = #"time="2026-12-02T21:45:13.73Z" level=info msg=""#
        let plain =
            prefix + #"redis not configured""# + "\n" + prefix + #"listening on 127.0.0.1:39531" go.version=go1.19.8"#
        #expect(TestRegistry.listeningPort(inLogText: plain) == 39531)
        #expect(TestRegistry.listeningPort(inLogText: prefix + #"listening on 127.0.0.1:40001, tls""#) == 40001)
        #expect(TestRegistry.listeningPort(inLogText: prefix + #"listening on 127.0.0.1:0""#) == nil)
        #expect(TestRegistry.listeningPort(inLogText: prefix + #"listening on [::]:5000""#) == nil)
        #expect(TestRegistry.listeningPort(inLogText: prefix + #"redis not configured""#) == nil)
    }

    @Test("a throwing body still stops the registry and removes its folder")
    func throwingBody() async throws {
        struct Planned: Error {}
        let directory = LockedDirectory()
        await #expect(throws: Planned.self) {
            try await TestRegistry.with(.tls) { registry in
                directory.path = registry.directory
                throw Planned()
            }
        }
        let path = try #require(directory.path)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("basic: 401 with a Basic challenge, then 200 with the credentials")
    func basicRegistry() async throws {
        try await TestRegistry.with(.basic) { registry in
            let username = try #require(registry.username)
            let password = try #require(registry.password)
            #expect(!username.isEmpty && password.count >= 16)
            let anonymous = try await HTTP.send(url(registry, "/v2/"))
            #expect(anonymous.status == 401)
            #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Basic realm=") == true)
            let authorized = try await HTTP.send(
                url(registry, "/v2/"), headers: ["Authorization": try #require(registry.basicAuthorization)]
            )
            #expect(authorized.status == 200, "\(registry.logTail())")
            let wrong = Data("\(username):not-\(password)".utf8).base64EncodedString()
            let refused = try await HTTP.send(url(registry, "/v2/"), headers: ["Authorization": "Basic \(wrong)"])
            #expect(refused.status == 401)
        }
    }

    @Test("token: Bearer challenge names the realm; an issued token opens /v2/ and the catalog")
    func tokenRegistry() async throws {
        try await TestRegistry.with(.token) { registry in
            let issuer = try #require(registry.tokenIssuer)
            let challenge = try #require(try await HTTP.send(url(registry, "/v2/")).headers["www-authenticate"])
            #expect(challenge.hasPrefix("Bearer "))
            #expect(challenge.contains("realm=\"\(issuer.realm.absoluteString)\""))
            #expect(challenge.contains("service=\"regsweep-test\""))

            let token = try await fetchToken(
                issuer, scopes: ["repository:library/app:pull,delete", "registry:catalog:*"],
                authorization: registry.basicAuthorization
            )
            let ping = try await HTTP.send(url(registry, "/v2/"), headers: ["Authorization": "Bearer \(token)"])
            #expect(ping.status == 200, "\(registry.logTail())")
            let catalog = try await HTTP.send(
                url(registry, "/v2/_catalog"), headers: ["Authorization": "Bearer \(token)"])
            #expect(catalog.status == 200, "\(registry.logTail())")

            #expect(issuer.issuedTokenCount == 1)
            #expect(issuer.requestedScopes == ["repository:library/app:pull,delete", "registry:catalog:*"])
            #expect(issuer.requests.first?.account == registry.username)
        }
    }

    @Test("token: wrong credentials, forged signatures, other audiences and expired tokens are refused")
    func tokenRefusals() async throws {
        try await TestRegistry.with(.token) { registry in
            let issuer = try #require(registry.tokenIssuer)
            let username = try #require(registry.username)
            let wrong = "Basic " + Data("\(username):wrong".utf8).base64EncodedString()
            let refused = try await HTTP.send(tokenURL(issuer, scopes: []), headers: ["Authorization": wrong])
            #expect(refused.status == 401)
            #expect(issuer.issuedTokenCount == 0)

            let everything = [TokenIssuer.Access.catalog, .repository("library/app", ["pull"])]
            let forged = try issuer.mintToken(subject: username, access: everything, forgeSignature: true)
            let otherAudience = try issuer.mintToken(subject: username, access: everything, audience: "elsewhere")
            let otherIssuer = try issuer.mintToken(subject: username, access: everything, issuer: "someone-else")
            let expired = try issuer.mintToken(subject: username, access: everything, expiresIn: -120)
            for bad in [forged, otherAudience, otherIssuer, expired] {
                let answer = try await HTTP.send(url(registry, "/v2/"), headers: ["Authorization": "Bearer \(bad)"])
                #expect(answer.status == 401)
            }
            let good = try issuer.mintToken(subject: username, access: everything)
            let accepted = try await HTTP.send(url(registry, "/v2/"), headers: ["Authorization": "Bearer \(good)"])
            #expect(accepted.status == 200, "\(registry.logTail())")

            // Anonymous requests get pull only, so the catalog stays closed.
            let anonymous = try await fetchToken(issuer, scopes: ["registry:catalog:*", "repository:x:pull,delete"])
            let catalog = try await HTTP.send(
                url(registry, "/v2/_catalog"), headers: ["Authorization": "Bearer \(anonymous)"]
            )
            #expect(catalog.status == 401)
            #expect(issuer.requests.last?.account == nil)
        }
    }

    @Test("token: refresh and password grants over POST; expires_in is configurable")
    func tokenRefresh() async throws {
        let configuration = TokenIssuer.Configuration(expiresIn: 2, anonymousActions: nil)
        try await TestRegistry.with(.token, tokenConfiguration: configuration) { registry in
            let issuer = try #require(registry.tokenIssuer)
            let anonymous = try await HTTP.send(tokenURL(issuer, scopes: ["repository:x:pull"]))
            #expect(anonymous.status == 401)

            let first = try await HTTP.json(
                HTTP.send(
                    tokenURL(issuer, scopes: ["repository:x:pull"]),
                    headers: ["Authorization": try #require(registry.basicAuthorization)])
            )
            #expect(first["expires_in"] as? Int == 2)
            #expect(first["issued_at"] is String)
            let refreshToken = try #require(first["refresh_token"] as? String)

            let refreshed = try await HTTP.json(
                HTTP.send(
                    issuer.realm, method: "POST",
                    form: [
                        "grant_type": "refresh_token", "refresh_token": refreshToken, "service": "regsweep-test",
                        "scope": "repository:x:pull,delete registry:catalog:*",
                    ]
                )
            )
            let token = try #require(refreshed["access_token"] as? String)
            let catalog = try await HTTP.send(
                url(registry, "/v2/_catalog"), headers: ["Authorization": "Bearer \(token)"])
            #expect(catalog.status == 200, "\(registry.logTail())")

            let password = try await HTTP.send(
                issuer.realm, method: "POST",
                form: [
                    "grant_type": "password", "username": try #require(registry.username),
                    "password": try #require(registry.password), "service": "regsweep-test",
                    "scope": "repository:x:pull",
                ]
            )
            #expect(password.status == 200)
            let bogus = try await HTTP.send(
                issuer.realm, method: "POST",
                form: ["grant_type": "refresh_token", "refresh_token": "bogus", "service": "regsweep-test"]
            )
            #expect(bogus.status == 400)
            #expect(issuer.issuedTokenCount == 3)
            #expect(issuer.requests.map(\.status) == [401, 200, 200, 200, 400])
            #expect(issuer.requests[2].grantType == "refresh_token")
            #expect(issuer.requests[2].scopes == ["repository:x:pull,delete", "registry:catalog:*"])
        }
    }

    @Test(
        "TLS: HTTPS works with the throwaway CA and fails without it",
        arguments: [TestRegistry.AuthMode.tls, .tlsBasic])
    func tlsRegistry(mode: TestRegistry.AuthMode) async throws {
        try await TestRegistry.with(mode) { registry in
            let caCertificate = try #require(registry.caCertificatePath)
            #expect(registry.baseURL.scheme == "https")
            #expect(FileManager.default.fileExists(atPath: (registry.certificateDirectory ?? "") + "/ca.crt"))
            let untrusted = await #expect(throws: HTTP.Failure.self) {
                try await HTTP.send(url(registry, "/v2/"))
            }
            #expect(untrusted?.exitCode == 60, "curl should refuse the unknown CA")

            let trusted = try await HTTP.send(url(registry, "/v2/"), caCertificate: caCertificate)
            if let authorization = registry.basicAuthorization {
                #expect(trusted.status == 401)
                #expect(trusted.headers["www-authenticate"]?.hasPrefix("Basic realm=") == true)
                // By name too: the certificate names localhost besides 127.0.0.1.
                let localhost = try #require(URL(string: "https://localhost:\(registry.port)/v2/"))
                let authorized = try await HTTP.send(
                    localhost, headers: ["Authorization": authorization], caCertificate: caCertificate
                )
                #expect(authorized.status == 200, "\(registry.logTail())")
            } else {
                #expect(trusted.status == 200, "\(registry.logTail())")
            }

            // skopeo, an independent Go client, trusts `certificateDirectory`: it gets as far as the
            // registry's 404 for an unknown repository instead of a certificate error.
            let certificateDirectory = try #require(registry.certificateDirectory)
            var skopeo = ["list-tags", "--cert-dir", certificateDirectory]
            if let username = registry.username, let password = registry.password {
                skopeo += ["--creds", "\(username):\(password)"]
            }
            let (_, output) = try await Tool.run(
                "/usr/bin/skopeo", skopeo + ["docker://\(registry.host)/unknown"], includeErrors: true
            )
            let message = String(decoding: output, as: UTF8.self)
            #expect(message.contains("404") && !message.contains("x509"), "\(message)")
        }
    }

    @Test("deleteEnabled false: DELETE answers 405; enabled: it reaches the storage (404 for an unknown digest)")
    func deleteSwitch() async throws {
        let digest = "sha256:" + String(repeating: "0", count: 64)
        let disabled = try await TestRegistry.with(deleteEnabled: false) { registry in
            try await HTTP.send(url(registry, "/v2/x/manifests/\(digest)"), method: "DELETE").status
        }
        #expect(disabled == 405)
        let enabled = try await TestRegistry.with { registry in
            try await HTTP.send(url(registry, "/v2/x/manifests/\(digest)"), method: "DELETE").status
        }
        #expect(enabled == 404)
    }

    // MARK: - Helpers

    private func url(_ registry: TestRegistry, _ path: String) -> URL {
        registry.baseURL.appending(path: path)
    }

    private func tokenURL(_ issuer: TokenIssuer, scopes: [String]) -> URL {
        var components = URLComponents(url: issuer.realm, resolvingAgainstBaseURL: false)
        components?.queryItems =
            [URLQueryItem(name: "service", value: issuer.configuration.service)]
            + scopes.map { URLQueryItem(name: "scope", value: $0) }
        return components?.url ?? issuer.realm
    }

    private func fetchToken(
        _ issuer: TokenIssuer, scopes: [String], authorization: String? = nil
    ) async throws
        -> String
    {
        let answer = try await HTTP.send(
            tokenURL(issuer, scopes: scopes), headers: authorization.map { ["Authorization": $0] } ?? [:]
        )
        #expect(answer.status == 200)
        let object = try HTTP.json(answer)
        #expect(object["token"] as? String == object["access_token"] as? String)
        return try #require(object["token"] as? String)
    }
}

/// Holds a value set inside a closure that must not capture a `var`.
private final class LockedDirectory: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?

    var path: String? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// One HTTP exchange through `curl`.
///
/// Not URLSession: on Linux (swift-corelibs-foundation) a request answered 401 with a
/// `WWW-Authenticate: Basic` challenge never completes when no credential is available, which hangs
/// exactly the tests that matter here.
private enum HTTP {
    struct Answer {
        var status: Int
        /// Lower-cased names.
        var headers: [String: String]
        var body: Data
    }

    /// curl failed without an HTTP answer (60: untrusted certificate, 7: connection refused).
    struct Failure: Error {
        var exitCode: Int32
    }

    @discardableResult
    static func send(
        _ url: URL, method: String = "GET", headers: [String: String] = [:], form: [String: String]? = nil,
        caCertificate: String? = nil
    ) async throws -> Answer {
        var arguments = ["-s", "-i", "--max-time", "10", "-X", method]
        for (name, value) in headers {
            arguments += ["-H", "\(name): \(value)"]
        }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = form.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
            }
            arguments += ["--data-raw", body.joined(separator: "&")]
        }
        if let caCertificate {
            arguments += ["--cacert", caCertificate]
        }
        let (exitCode, output) = try await run(arguments + [url.absoluteString])
        guard exitCode == 0 else { throw Failure(exitCode: exitCode) }
        return try parse(output)
    }

    static func json(_ answer: Answer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
    }

    /// Splits `curl -i` output into status, headers and body.
    private static func parse(_ output: Data) throws -> Answer {
        let separator = Data("\r\n\r\n".utf8)
        let split = try #require(output.range(of: separator))
        let head = String(decoding: output[..<split.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = try #require(statusLine.count >= 2 ? Int(statusLine[1]) : nil)
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields[line[..<colon].lowercased()] = value
        }
        return Answer(status: status, headers: fields, body: Data(output[split.upperBound...]))
    }

    private static func run(_ arguments: [String]) async throws -> (Int32, Data) {
        try await Tool.run("/usr/bin/curl", arguments)
    }
}

/// Runs a command-line tool and returns its exit code and standard output (standard error too, when
/// asked).
private enum Tool {
    static func run(
        _ executable: String, _ arguments: [String], includeErrors: Bool = false
    ) async throws
        -> (Int32, Data)
    {
        let result = try await ChildProcess.run(executable, arguments)
        return (result.status, includeErrors ? result.stdout + result.stderr : result.stdout)
    }
}
