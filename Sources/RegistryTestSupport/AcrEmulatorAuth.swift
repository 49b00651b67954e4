import Crypto
import Foundation

/// ACR's token service and the check every data-plane route makes: refresh tokens (from
/// `/oauth2/exchange`, or the emulator's own), access tokens (ES256 JWTs whose `access` claim
/// lists what was granted), Basic credentials, revocation.
///
/// Who may do what is not modelled: every valid identity gets the scopes it asks for, as an owner
/// of the registry would. What is modelled is ACR's shape: a token carries exactly the scopes it
/// was asked for, and a route needing another one answers 401 with a challenge naming it.
final class AcrEmulatorAuth: Sendable {
    /// Who a request authenticated as.
    enum Identity: Equatable {
        case admin
        case tokenUser
    }

    /// The outcome of looking at a request's `Authorization` header.
    enum Verdict {
        /// Basic credentials of a known identity: every scope.
        case basic(Identity)
        /// A valid access token and what it grants.
        case bearer([TokenIssuer.Access])
        /// No `Authorization` header.
        case missing
        /// Wrong credentials, or a token that is malformed, forged, expired or revoked.
        case invalid
    }

    private struct State {
        var refreshTokens: Set<String> = []
        var issuedAccessTokens: Set<String> = []
        var revokedAccessTokens: Set<String> = []
    }

    private struct Claims: Decodable {
        var exp: Int64
        var jti: String
        var access: [TokenIssuer.Access]?
    }

    let service: String
    let adminUsername: String
    let adminPassword: String
    let refreshToken: String
    private let accessTokenLifetime: TimeInterval
    // Raw bytes: swift-crypto's key types are not marked Sendable.
    private let signingKey: Data
    private let state = LockedBox(State())

    init(service: String, adminUsername: String, adminPassword: String, accessTokenLifetime: TimeInterval) {
        self.service = service
        self.adminUsername = adminUsername
        self.adminPassword = adminPassword
        self.accessTokenLifetime = accessTokenLifetime
        let key = P256.Signing.PrivateKey()
        signingKey = key.rawRepresentation
        // Real ACR refresh tokens are JWTs too (acr-cli reads their claims unverified).
        refreshToken =
            (try? Self.sign(
                key: key, subject: AcrEmulator.tokenUsername, audience: service, lifetime: 10 * 365 * 86_400,
                access: [])) ?? TestCertificates.randomHex(bytes: 32)
        state.withValue { _ = $0.refreshTokens.insert(refreshToken) }
    }

    /// A new refresh token, as `/oauth2/exchange` hands out for an AAD token.
    func issueRefreshToken() throws -> String {
        let token = try Self.sign(
            key: try P256.Signing.PrivateKey(rawRepresentation: signingKey), subject: AcrEmulator.tokenUsername,
            audience: service, lifetime: 3 * 3600, access: [])
        state.withValue { _ = $0.refreshTokens.insert(token) }
        return token
    }

    func isRefreshToken(_ token: String) -> Bool {
        state.withValue { $0.refreshTokens.contains(token) }
    }

    /// An access token granting `access`, valid for `lifetime` (default: the configured one).
    func issueAccessToken(_ access: [TokenIssuer.Access], lifetime: TimeInterval? = nil) throws -> String {
        let token = try Self.sign(
            key: try P256.Signing.PrivateKey(rawRepresentation: signingKey), subject: AcrEmulator.tokenUsername,
            audience: service, lifetime: lifetime ?? accessTokenLifetime, access: access)
        state.withValue { _ = $0.issuedAccessTokens.insert(token) }
        return token
    }

    /// Every access token handed out so far stops working.
    func revokeAccessTokens() {
        state.withValue { $0.revokedAccessTokens.formUnion($0.issuedAccessTokens) }
    }

    /// The identity of `Basic base64(user:password)` credentials, or nil.
    func identity(basic header: String) -> Identity? {
        guard let (user, password) = Self.decodeBasic(header) else { return nil }
        if user == adminUsername && password == adminPassword { return .admin }
        if user == AcrEmulator.tokenUsername && isRefreshToken(password) { return .tokenUser }
        return nil
    }

    /// The identity of a username and password sent in a form (`grant_type=password`).
    func identity(username: String, password: String) -> Identity? {
        if username == adminUsername && password == adminPassword { return .admin }
        if username == AcrEmulator.tokenUsername && isRefreshToken(password) { return .tokenUser }
        return nil
    }

    /// Looks at an `Authorization` header.
    func verdict(authorization: String?, now: Date = Date()) -> Verdict {
        guard let authorization else { return .missing }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .invalid }
        switch parts[0].lowercased() {
        case "basic":
            return identity(basic: authorization).map(Verdict.basic) ?? .invalid
        case "bearer":
            let token = String(parts[1])
            guard let claims = verify(token), Int64(now.timeIntervalSince1970) < claims.exp,
                state.withValue({ $0.issuedAccessTokens.contains(token) && !$0.revokedAccessTokens.contains(token) })
            else { return .invalid }
            return .bearer(claims.access ?? [])
        default:
            return .invalid
        }
    }

    /// Whether `granted` covers `action` on `type:name` (a `*` name or action covers all).
    static func covers(_ granted: [TokenIssuer.Access], type: String, name: String, action: String) -> Bool {
        granted.contains { access in
            access.type == type && (access.name == name || access.name == "*")
                && (access.actions.contains(action) || access.actions.contains("*"))
        }
    }

    private func verify(_ token: String) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Self.base64URLDecode(parts[1]),
            let signatureBytes = Self.base64URLDecode(parts[2]),
            let key = try? P256.Signing.PrivateKey(rawRepresentation: signingKey),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureBytes),
            key.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8))
        else { return nil }
        return try? JSONDecoder().decode(Claims.self, from: payload)
    }

    private static func sign(
        key: P256.Signing.PrivateKey, subject: String, audience: String, lifetime: TimeInterval,
        access: [TokenIssuer.Access]
    ) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = JWT.Claims(
            iss: "Azure Container Registry", sub: subject, aud: audience, exp: now + Int64(lifetime.rounded(.up)),
            nbf: now, iat: now, jti: UUID().uuidString, access: access)
        return try JWT.sign(header: JWT.Header(x5c: []), claims: claims, key: key)
    }

    static func decodeBasic(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1])), let decoded = String(data: data, encoding: .utf8),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
    }

    private static func base64URLDecode(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}
