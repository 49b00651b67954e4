import Foundation
import Logging

/// Holds one registry's auth state: which scheme it asked for, and Bearer tokens per scope.
///
/// An actor because every concurrent request shares it; token fetches for the same scope are
/// coalesced so that fifty parallel manifest requests cost one token request.
actor Authenticator {
    private enum Scheme {
        case unknown
        case none
        case basic
        case bearer(realm: URL, service: String?)
    }

    private struct Token {
        var value: String
        var expires: Date
    }

    private let credentials: Credentials
    private let endpoint: RegistryEndpoint
    private let transport: any HTTPTransport
    private let retry: RetryPolicy
    private let logger: Logger
    /// The wall clock token lifetimes are measured against; tests move it instead of sleeping.
    private let now: @Sendable () -> Date
    private var scheme: Scheme = .unknown
    private var tokens: [String: Token] = [:]
    private var inFlight: [String: Task<Token, any Error>] = [:]
    /// A refresh token, from the credentials or handed out by the token service.
    private var refreshToken: String?

    /// How many tokens were fetched from the token service (for tests and `--verbose`).
    private(set) var tokensFetched = 0

    init(
        credentials: Credentials, endpoint: RegistryEndpoint, transport: any HTTPTransport, retry: RetryPolicy,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.credentials = credentials
        self.endpoint = endpoint
        self.transport = transport
        self.retry = retry
        self.logger = logger
        switch credentials {
        case .identityToken(let token): refreshToken = token
        case .basic(let username, let password) where username == Credentials.acrTokenUsername:
            // `az acr login --expose-token` hands out a refresh token for this user: it is only
            // good for the OAuth2 refresh grant, which gives per-repository access tokens.
            refreshToken = password
        default: break
        }
    }

    /// The `Authorization` header to send for `scope` before any challenge, if we know one.
    func authorization(for scope: AccessScope?) async throws -> String? {
        switch scheme {
        case .unknown, .none: return nil
        case .basic: return credentials.basicAuthorization
        case .bearer(let realm, let service):
            return "Bearer " + (try await token(for: scope?.description ?? "", realm: realm, service: service)).value
        }
    }

    /// Learns from a 401 answer and returns the header to retry with, or nil when retrying is pointless.
    ///
    /// `sent` is the header the refused request carried: Basic credentials already sent and
    /// refused are wrong, but a request that went out before the scheme was known (a concurrent
    /// first request) simply retries with them.
    func authorization(
        answering challengeHeader: String?, for scope: AccessScope?, url: URL, sent: String? = nil
    ) async throws -> String? {
        let challenges = AuthChallenge.parse(challengeHeader ?? "")
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
            guard let realmText = bearer.realm, let realm = URL(string: realmText), realm.host != nil,
                let realmScheme = realm.scheme?.lowercased(), realmScheme == "https" || realmScheme == "http"
            else {
                throw RegistryError(
                    .invalidResponse, "the registry's Bearer challenge has no usable realm", status: 401,
                    url: url.absoluteString, hint: "the realm must be an http(s) URL")
            }
            try checkRealm(realm, scheme: realmScheme)
            scheme = .bearer(realm: realm, service: bearer.service)
            // A token we had was refused: the scope differs or it was revoked, so drop it. But only
            // the one this request carried: a request sent before the scheme was known (or with
            // an older token) must not throw away the token another request just fetched.
            let ours = scope?.description ?? ""
            let key = bearer.scope ?? ours
            for candidate in [key, ours] where tokens[candidate].map({ sent == "Bearer " + $0.value }) ?? false {
                tokens[candidate] = nil
            }
            let token = try await token(for: key, realm: realm, service: bearer.service)
            if key != ours { tokens[ours] = token }
            return "Bearer " + token.value
        }
        if challenges.contains(where: { $0.scheme == "basic" }) {
            let first = !(sent?.hasPrefix("Basic ") ?? false)
            scheme = .basic
            guard let header = credentials.basicAuthorization else {
                if case .identityToken = credentials {
                    throw RegistryError(
                        .unauthorized, "the registry wants a username and password, not an identity token",
                        status: 401, url: url.absoluteString, hint: "log in with -u/-p")
                }
                throw Self.credentialsNeeded(url: url, scope: scope)
            }
            return first ? header : nil
        }
        return nil
    }

    /// Credentials go to the token realm the registry names, but never in clear across a network:
    /// a plain-HTTP realm must be on loopback (anonymous token requests to a plain-HTTP registry's
    /// own realm are harmless and allowed).
    private func checkRealm(_ realm: URL, scheme: String) throws(RegistryError) {
        guard scheme == "http" else { return }
        if RegistryEndpoint.isLoopback(realm) { return }
        if credentials == .anonymous && endpoint.scheme == "http" { return }
        throw RegistryError(
            .refused,
            "the registry's token service is on plain HTTP at \(RegistryEndpoint.authority(of: realm)); refusing to send credentials there",
            status: 401, url: realm.absoluteString,
            hint: "the password would cross the network unencrypted; the registry should name an https:// realm")
    }

    static func credentialsNeeded(url: URL, scope: AccessScope?) -> RegistryError {
        RegistryError(
            .unauthorized, "the registry requires authentication for \(scope?.permissionDescription ?? "access")",
            status: 401,
            url: url.absoluteString,
            hint: "pass -u USER with -p or --password-stdin, set REGSWEEP_USERNAME/REGSWEEP_PASSWORD, "
                + "or run docker login")
    }

    private func token(for scope: String, realm: URL, service: String?) async throws -> Token {
        if let token = tokens[scope], token.expires > now() { return token }
        if let task = inFlight[scope] { return try await task.value }
        let task = Task { try await self.fetchToken(scope: scope, realm: realm, service: service) }
        inFlight[scope] = task
        defer { inFlight[scope] = nil }
        let token = try await task.value
        tokens[scope] = token
        return token
    }

    private func fetchToken(scope: String, realm: URL, service: String?) async throws -> Token {
        tokensFetched += 1
        var request: HTTPRequestData
        if let refreshToken {
            // The OAuth2 refresh flow: identity tokens are only good for this, never as Basic.
            var form = URLComponents()
            form.queryItems =
                [
                    URLQueryItem(name: "grant_type", value: "refresh_token"),
                    URLQueryItem(name: "refresh_token", value: refreshToken),
                    URLQueryItem(name: "service", value: service ?? endpoint.apiHost),
                    URLQueryItem(name: "client_id", value: "regsweep"),
                ] + (scope.isEmpty ? [] : [URLQueryItem(name: "scope", value: scope)])
            let body = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            request = HTTPRequestData(
                method: "POST", url: realm, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(body.utf8), maxResponseBytes: 1 << 20)
        } else {
            guard var components = URLComponents(url: realm, resolvingAgainstBaseURL: false) else {
                throw RegistryError(.invalidResponse, "the token realm is not a URL", url: realm.absoluteString)
            }
            var items = components.queryItems ?? []
            if let service { items.append(URLQueryItem(name: "service", value: service)) }
            if !scope.isEmpty { items.append(URLQueryItem(name: "scope", value: scope)) }
            if credentials.basicAuthorization != nil {
                // Asking for a refresh token lets later scopes skip sending the password again.
                items.append(URLQueryItem(name: "offline_token", value: "true"))
                items.append(URLQueryItem(name: "client_id", value: "regsweep"))
            }
            components.queryItems = items
            guard let url = components.url else {
                throw RegistryError(.invalidResponse, "the token realm is not a URL", url: realm.absoluteString)
            }
            request = HTTPRequestData(url: url, maxResponseBytes: 1 << 20)
            if let basic = credentials.basicAuthorization { request.headers.append(("Authorization", basic)) }
        }
        logger.debug(
            "token request", metadata: ["realm": "\(Redaction.url(realm.absoluteString))", "scope": "\(scope)"])
        // Token requests are retried like any idempotent one (the refresh grant's POST changes
        // nothing when repeated): a token service that drops a connection or answers 503 once must
        // not fail a long run.
        let response = try await transport.sendRetrying(request, policy: retry)
        switch response.status {
        case 200..<300: break
        case 401, 403:
            throw RegistryError(
                .unauthorized,
                "the token service refused \(credentials) for \(scope)", status: response.status,
                url: realm.absoluteString, details: RegistryError.details(from: response.body),
                hint: realm.path(percentEncoded: false) == "/oauth2/token"
                    // ACR's token service: its logins expire (three hours for az acr login).
                    ? "log in again with az acr login, or pass -u \(Credentials.acrTokenUsername) --password-stdin "
                        + "with a fresh token from az acr login --expose-token; admin users and repository tokens go as -u/-p"
                    : credentials == .anonymous
                        ? "this registry needs credentials: pass -u/-p, set REGSWEEP_USERNAME/REGSWEEP_PASSWORD, or docker login"
                        : "check the username and password (or docker login again)")
        default:
            throw RegistryError(
                .server, "the token service failed", status: response.status, url: realm.absoluteString,
                details: RegistryError.details(from: response.body))
        }
        struct Answer: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Int?
            var issued_at: String?
            var refresh_token: String?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body),
            let value = answer.token ?? answer.access_token, !value.isEmpty
        else {
            throw RegistryError(
                .invalidResponse, "the token service answered without a token", url: realm.absoluteString)
        }
        // A token goes into a header: CR, LF or spaces in it would inject headers of its own.
        guard Self.isHeaderSafe(value) else {
            throw RegistryError(
                .invalidResponse, "the token service handed out a malformed token (control characters or spaces)",
                url: realm.absoluteString, hint: "the token service or something in front of it is misbehaving")
        }
        if let refresh = answer.refresh_token, !refresh.isEmpty, Self.isHeaderSafe(refresh) { refreshToken = refresh }
        // Renew a little before the service says so: clocks drift and requests take time.
        // ACR sends no `expires_in`: its access tokens are JWTs whose `exp` says when they end.
        let fetched = now()
        let stated = answer.expires_in ?? JWTExpiry.seconds(until: value, from: fetched)
        let lifetime = TimeInterval(min(max(stated ?? 60, 1), 86_400))
        let issued = answer.issued_at.flatMap(RFC3339.parse).map { min($0, fetched) } ?? fetched
        let margin = min(30, lifetime * 0.2)
        return Token(value: value, expires: issued.addingTimeInterval(lifetime - margin))
    }

    /// Printable ASCII without spaces, at most 64 KiB: what a token68 or JWT is made of.
    static func isHeaderSafe(_ value: String) -> Bool {
        value.utf8.count <= 65_536 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
