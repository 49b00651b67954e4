import Crypto
import Foundation
import NIOCore
import NIOPosix

/// A Docker token service for tests: hands out ES256 JWTs that docker-registry's `auth.token`
/// accepts, and records what it was asked for.
///
/// Endpoints (both at `realm`, `/token`):
/// - `GET /token?service=S&scope=repository:NAME:pull,delete&scope=registry:catalog:*`, with Basic
///   credentials or anonymously. Valid credentials get every requested action; anonymous requests get
///   only `Configuration.anonymousActions` (or 401 when that is nil); wrong credentials get 401.
/// - `POST /token` with a form body: `grant_type=refresh_token&refresh_token=R&service=S&scope=...` or
///   `grant_type=password&username=U&password=P&service=S&scope=...` (the OAuth2 flow Docker uses).
///
/// Answers `{"token", "access_token", "expires_in", "issued_at", "refresh_token"}`.
public final class TokenIssuer: Sendable {
    /// One entry of a token's `access` claim.
    public struct Access: Sendable, Hashable, Codable {
        /// `repository` or `registry`.
        public var type: String
        /// A repository name, or `catalog`.
        public var name: String
        /// Granted actions, such as `pull`, `push`, `delete`, `*`.
        public var actions: [String]

        /// Access of `type` to `name` with `actions`.
        public init(type: String, name: String, actions: [String]) {
            self.type = type
            self.name = name
            self.actions = actions
        }

        /// Access to a repository.
        public static func repository(_ name: String, _ actions: [String]) -> Access {
            Access(type: "repository", name: name, actions: actions)
        }

        /// Access to `/v2/_catalog`.
        public static let catalog = Access(type: "registry", name: "catalog", actions: ["*"])

        /// Parses a scope string, `type[(class)]:name:action,action`; nil when malformed.
        public init?(scope: String) {
            let parts = scope.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, let rawType = parts.first, let rawActions = parts.last else { return nil }
            // A resource class, `repository(plugin)`, does not change what the registry checks.
            let type = rawType.split(separator: "(").first.map(String.init) ?? ""
            let name = parts.dropFirst().dropLast().joined(separator: ":")
            guard !type.isEmpty, !name.isEmpty else { return nil }
            self.init(type: type, name: name, actions: rawActions.split(separator: ",").map(String.init))
        }
    }

    /// What the issuer grants and how.
    public struct Configuration: Sendable {
        /// The `service` the registry names in its challenge; tokens for another service are refused.
        public var service: String
        /// The token's `iss`; the registry only accepts its configured issuer.
        public var issuer: String
        /// Lifetime of issued tokens, in seconds (`expires_in` and the `exp` claim). Note that
        /// distribution accepts a token for 60 s past `exp` (clock-skew leeway).
        public var expiresIn: Int
        /// Actions granted to anonymous requests; nil refuses them with 401.
        public var anonymousActions: Set<String>?
        /// Whether successful logins (Basic or `grant_type=password`) also get a `refresh_token`.
        public var issuesRefreshTokens: Bool

        /// The defaults match what `TestRegistry` writes into the registry's `auth.token` section.
        public init(
            service: String = "regsweep-test",
            issuer: String = "regsweep-test-issuer",
            expiresIn: Int = 300,
            anonymousActions: Set<String>? = ["pull"],
            issuesRefreshTokens: Bool = true
        ) {
            self.service = service
            self.issuer = issuer
            self.expiresIn = expiresIn
            self.anonymousActions = anonymousActions
            self.issuesRefreshTokens = issuesRefreshTokens
        }
    }

    /// One request the issuer answered, for assertions.
    public struct Request: Sendable, Hashable {
        /// `GET` or `POST`.
        public var method: String
        /// The form's `grant_type` for POST; nil for GET.
        public var grantType: String?
        /// The `service` parameter.
        public var service: String?
        /// Every requested scope, in order.
        public var scopes: [String]
        /// The authenticated user; nil for anonymous or refused requests.
        public var account: String?
        /// The HTTP status of the answer.
        public var status: Int
    }

    private struct State {
        var configuration: Configuration
        var requests: [Request] = []
        var issuedTokenCount = 0
        // Refresh token → user name.
        var refreshTokens: [String: String] = [:]
    }

    /// The token endpoint, `http://127.0.0.1:PORT/token`: the registry's `auth.token.realm`.
    public let realm: URL
    /// The port the issuer listens on.
    public let port: Int
    /// PEM of the signing certificate: the registry's `auth.token.rootcertbundle`.
    public let certificatePath: String

    private let users: [String: String]
    // The key as raw bytes: swift-crypto's key types are not marked Sendable.
    private let signingKey: Data
    private let certificateChain: [String]
    private let state: LockedBox<State>
    private let server: LoopbackHTTPServer

    private init(
        server: LoopbackHTTPServer, users: [String: String], signingKey: Data, certificatePath: String,
        certificateDER: Data, configuration: Configuration
    ) {
        self.server = server
        self.port = server.port
        self.realm = URL(string: "http://\(Loopback.host):\(port)/token") ?? URL(fileURLWithPath: "/")
        self.users = users
        self.signingKey = signingKey
        self.certificatePath = certificatePath
        self.certificateChain = [certificateDER.base64EncodedString()]
        self.state = LockedBox(State(configuration: configuration))
    }

    /// Starts an issuer on 127.0.0.1 at a free port, with a new signing key and self-signed
    /// certificate written to `directory` (which must exist).
    ///
    /// - Parameter users: user name → password accepted for Basic and `grant_type=password`.
    public static func start(
        users: [String: String], directory: String, configuration: Configuration = Configuration()
    ) async throws -> TokenIssuer {
        let files = try await TestCertificates.makeTokenSigner(in: directory)
        let keyPEM = try String(contentsOfFile: files.key, encoding: .utf8)
        let certificatePEM = try String(contentsOfFile: files.certificate, encoding: .utf8)
        let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        guard let certificateDER = TestCertificates.firstCertificateDER(pem: certificatePEM) else {
            throw TestRegistryError.issuerFailed("no certificate in \(files.certificate)")
        }
        // The issuer needs the bound port, and the server needs the issuer: the slot breaks the cycle.
        let issuerSlot = LockedBox<TokenIssuer?>(nil)
        let server = try await LoopbackHTTPServer.bind(
            // A connection that raced start-up: nothing can answer it yet.
            notReady: { TestRegistryError.issuerFailed("not ready") },
            handler: { issuerSlot.withValue { $0 }.map { TokenHTTPHandler(issuer: $0) } })
        let issuer = TokenIssuer(
            server: server, users: users, signingKey: key.rawRepresentation,
            certificatePath: files.certificate, certificateDER: certificateDER, configuration: configuration
        )
        issuerSlot.withValue { $0 = issuer }
        return issuer
    }

    /// Stops listening and closes open connections. Idempotent.
    public func shutdown() async { await server.stop() }

    /// The current configuration; changes apply to the next request (a test can shorten
    /// `expiresIn` to exercise renewal).
    public var configuration: Configuration {
        get { state.withValue { $0.configuration } }
        set { state.withValue { $0.configuration = newValue } }
    }

    /// How many tokens the endpoint has issued (not counting `mintToken`).
    public var issuedTokenCount: Int {
        state.withValue { $0.issuedTokenCount }
    }

    /// Every request answered so far, in order.
    public var requests: [Request] {
        state.withValue { $0.requests }
    }

    /// Every scope requested so far, in order, across requests.
    public var requestedScopes: [String] {
        requests.flatMap(\.scopes)
    }

    /// Forgets recorded requests and the issued-token count (refresh tokens stay valid).
    public func resetRecords() {
        state.withValue { state in
            state.requests = []
            state.issuedTokenCount = 0
        }
    }

    /// Makes a token directly, bypassing the endpoint, for negative tests.
    ///
    /// - Parameters:
    ///   - audience: defaults to the configured service.
    ///   - issuer: defaults to the configured issuer.
    ///   - expiresIn: seconds from now; defaults to the configured lifetime. Below -60 the registry
    ///     refuses it as expired.
    ///   - forgeSignature: signs with a throwaway key while still naming the trusted certificate, so
    ///     the signature does not verify.
    public func mintToken(
        subject: String, access: [Access], audience: String? = nil, issuer: String? = nil,
        expiresIn: Int? = nil, forgeSignature: Bool = false
    ) throws -> String {
        let configuration = self.configuration
        let key =
            forgeSignature ? P256.Signing.PrivateKey() : try P256.Signing.PrivateKey(rawRepresentation: signingKey)
        return try makeToken(
            subject: subject, access: access, audience: audience ?? configuration.service,
            issuer: issuer ?? configuration.issuer, expiresIn: expiresIn ?? configuration.expiresIn, key: key
        )
    }

    private func makeToken(
        subject: String, access: [Access], audience: String, issuer: String, expiresIn: Int,
        key: P256.Signing.PrivateKey
    ) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = JWT.Claims(
            iss: issuer, sub: subject, aud: audience, exp: now + Int64(expiresIn), nbf: now, iat: now,
            jti: UUID().uuidString, access: access
        )
        return try JWT.sign(header: JWT.Header(x5c: certificateChain), claims: claims, key: key)
    }

    // MARK: - Request handling

    /// An HTTP answer, built without NIO types so that the logic stays testable and synchronous.
    struct Reply {
        var status: Int
        var headers: [(String, String)] = []
        var body: Data
    }

    /// Answers one request to the token endpoint.
    func handle(method: String, uri: String, authorization: String?, body: Data) -> Reply {
        let pathAndQuery = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard pathAndQuery.first == "/token" else {
            return Self.error(404, code: "NOT_FOUND", message: "no such endpoint")
        }
        let query = pathAndQuery.count > 1 ? FormData(String(pathAndQuery[1])) : FormData("")
        switch method {
        case "GET":
            return handleGet(query: query, authorization: authorization)
        case "POST":
            return handlePost(form: FormData(String(decoding: body, as: UTF8.self)))
        default:
            return Self.error(405, code: "UNSUPPORTED", message: "use GET or POST")
        }
    }

    private func handleGet(query: FormData, authorization: String?) -> Reply {
        let scopes = query.values("scope").flatMap { $0.split(separator: " ").map(String.init) }
        var record = Request(method: "GET", grantType: nil, service: query.value("service"), scopes: scopes, status: 0)
        var account: String?
        if let authorization {
            guard let user = authenticate(basic: authorization) else {
                return finish(&record, Self.unauthorized("invalid username or password"))
            }
            account = user
        } else if configuration.anonymousActions == nil {
            return finish(&record, Self.unauthorized("anonymous access is not allowed"))
        }
        return finish(
            &record, grant(account: account, service: record.service, scopes: scopes),
            account: account
        )
    }

    private func handlePost(form: FormData) -> Reply {
        let scopes = form.values("scope").flatMap { $0.split(separator: " ").map(String.init) }
        let grantType = form.value("grant_type")
        var record = Request(
            method: "POST", grantType: grantType, service: form.value("service"), scopes: scopes, status: 0)
        switch grantType {
        case "password":
            guard let user = form.value("username"), let password = form.value("password"), users[user] == password
            else {
                return finish(&record, Self.unauthorized("invalid username or password"))
            }
            return finish(
                &record, grant(account: user, service: record.service, scopes: scopes),
                account: user
            )
        case "refresh_token":
            let token = form.value("refresh_token") ?? ""
            guard let user = state.withValue({ $0.refreshTokens[token] }) else {
                return finish(&record, Self.oauthError(400, "invalid_grant"))
            }
            return finish(
                &record,
                grant(account: user, service: record.service, scopes: scopes, refreshToken: token),
                account: user
            )
        default:
            return finish(&record, Self.oauthError(400, "unsupported_grant_type"))
        }
    }

    /// Issues a token for `scopes`, limited to what `account` (nil: anonymous) may do.
    private func grant(
        account: String?, service: String?, scopes: [String], refreshToken: String? = nil
    ) -> Reply {
        let configuration = self.configuration
        guard service == configuration.service else {
            return Self.error(400, code: "INVALID_SERVICE", message: "service must be \(configuration.service)")
        }
        var access: [Access] = []
        for scope in scopes {
            guard var item = Access(scope: scope) else {
                return Self.error(400, code: "INVALID_SCOPE", message: "malformed scope \(scope)")
            }
            if account == nil {
                let allowed = configuration.anonymousActions ?? []
                item.actions = item.actions.filter { allowed.contains($0) }
            }
            if !item.actions.isEmpty {
                access.append(item)
            }
        }
        let token: String
        do {
            token = try makeToken(
                subject: account ?? "", access: access, audience: configuration.service,
                issuer: configuration.issuer, expiresIn: configuration.expiresIn,
                key: P256.Signing.PrivateKey(rawRepresentation: signingKey)
            )
        } catch {
            return Self.error(500, code: "UNKNOWN", message: "signing failed: \(error)")
        }
        var refresh = refreshToken
        if refresh == nil, configuration.issuesRefreshTokens, let account {
            let fresh = TestCertificates.randomHex(bytes: 24)
            state.withValue { $0.refreshTokens[fresh] = account }
            refresh = fresh
        }
        let answer = TokenAnswer(
            token: token, access_token: token, expires_in: configuration.expiresIn,
            issued_at: Date().formatted(.iso8601), refresh_token: refresh
        )
        return Self.json(200, answer)
    }

    /// Records the request with its final status and, when it succeeded, its user; counts issued
    /// tokens.
    private func finish(_ record: inout Request, _ reply: Reply, account: String? = nil) -> Reply {
        record.status = reply.status
        record.account = reply.status == 200 ? account : nil
        let finished = record
        state.withValue { state in
            state.requests.append(finished)
            if reply.status == 200 {
                state.issuedTokenCount += 1
            }
        }
        return reply
    }

    /// The user name if `header` is `Basic base64(user:password)` with a known user and password.
    private func authenticate(basic header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1])).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        let user = String(decoded[..<colon])
        let password = String(decoded[decoded.index(after: colon)...])
        return users[user] == password ? user : nil
    }

    private struct TokenAnswer: Encodable {
        var token: String
        var access_token: String
        var expires_in: Int
        var issued_at: String
        var refresh_token: String?
    }

    private struct ErrorAnswer: Encodable {
        struct Item: Encodable {
            var code: String
            var message: String
        }
        var errors: [Item]
    }

    private static func json(_ status: Int, _ value: some Encodable, headers: [(String, String)] = []) -> Reply {
        let body = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    private static func error(_ status: Int, code: String, message: String) -> Reply {
        json(status, ErrorAnswer(errors: [.init(code: code, message: message)]))
    }

    private static func unauthorized(_ message: String) -> Reply {
        var reply = error(401, code: "UNAUTHORIZED", message: message)
        reply.headers.append(("WWW-Authenticate", "Basic realm=\"regsweep-test-token\""))
        return reply
    }

    /// An OAuth2 error (RFC 6749 §5.2), the shape the POST flow answers with.
    private static func oauthError(_ status: Int, _ code: String) -> Reply {
        json(status, ["error": code])
    }
}

/// `application/x-www-form-urlencoded` pairs, also used for query strings.
struct FormData {
    private let pairs: [(String, String)]

    init(_ encoded: String) {
        pairs = encoded.split(separator: "&").map { pair in
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(keyValue[0]), keyValue.count > 1 ? decode(keyValue[1]) : "")
        }
    }

    func value(_ key: String) -> String? {
        pairs.first { $0.0 == key }?.1
    }

    func values(_ key: String) -> [String] {
        pairs.filter { $0.0 == key }.map(\.1)
    }
}
