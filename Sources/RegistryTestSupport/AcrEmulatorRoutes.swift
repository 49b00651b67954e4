import Foundation
import RegistryClient

/// Decides every answer of `AcrEmulator`: dispatch by path, the scope check each route makes, and
/// the `/v2` routes (the `/acr/v1` and `/oauth2` ones are in extensions).
final class AcrEmulatorRoutes: Sendable {
    let configuration: AcrEmulator.Configuration
    /// `127.0.0.1:PORT`: ACR's login server, which is also the token `service` and the `registry` field.
    let host: String
    let auth: AcrEmulatorAuth
    let store: LockedBox<AcrEmulatorState>
    let log = LockedBox<[AcrEmulator.Request]>([])

    init(configuration: AcrEmulator.Configuration, host: String, auth: AcrEmulatorAuth) {
        self.configuration = configuration
        self.host = host
        self.auth = auth
        self.store = LockedBox(AcrEmulatorState())
    }

    /// Answers one request and records it (method, path, query, status; never credentials or bodies).
    func handle(_ request: AcrEmulatorIncoming) -> AcrEmulatorReply {
        var reply =
            request.bodyTooLarge
            ? .error(413, code: "SIZE_INVALID", message: "request body exceeds \(configuration.maximumBodySize) bytes")
            : route(request)
        reply.headers += [
            ("Docker-Distribution-Api-Version", "registry/2.0"),
            ("X-Ms-Correlation-Request-Id", UUID().uuidString.lowercased()),
        ]
        let entry = AcrEmulator.Request(
            method: request.method, path: request.rawPath.removingPercentEncoding ?? request.rawPath,
            query: request.queryItems, status: reply.status)
        log.withValue { $0.append(entry) }
        return reply
    }

    private func route(_ request: AcrEmulatorIncoming) -> AcrEmulatorReply {
        let path = request.rawPath
        if path == "/oauth2/token" { return token(request) }
        if path == "/oauth2/exchange" { return exchange(request) }
        if path == "/v2" || path == "/v2/" { return ping(request) }
        if path.hasPrefix("/v2/") { return registryRoute(request, rest: path.dropFirst("/v2/".count)) }
        if path.hasPrefix("/acr/v1/") { return metadataRoute(request, rest: path.dropFirst("/acr/v1/".count)) }
        return .error(404, code: "NOT_FOUND", message: "no route for \(request.method) \(path)")
    }

    // MARK: - Auth gate

    /// The challenge of `/v2/` and of any route, with the scope it needs (nil for the ping).
    func challenge(scope: String?, insufficient: Bool = false) -> (String, String) {
        var value = "Bearer realm=\"http://\(host)/oauth2/token\",service=\"\(host)\""
        if let scope { value += ",scope=\"\(scope)\"" }
        if insufficient { value += ",error=\"insufficient_scope\"" }
        return ("WWW-Authenticate", value)
    }

    /// Nil when the request may do `action` on `type:name`; otherwise ACR's 401 naming the scope.
    ///
    /// `challengeActions` is what the challenge asks for (a push asks for `pull,push`), `action` what
    /// is checked.
    func authorize(
        _ request: AcrEmulatorIncoming, type: String = "repository", name: String, action: String,
        challengeActions: String? = nil
    ) -> AcrEmulatorReply? {
        let verdict = auth.verdict(authorization: request.authorization)
        let granted: Bool
        switch verdict {
        case .basic: granted = true
        case .bearer(let access): granted = AcrEmulatorAuth.covers(access, type: type, name: name, action: action)
        case .missing, .invalid: granted = false
        }
        if granted { return nil }
        let insufficient: Bool
        if case .bearer = verdict { insufficient = true } else { insufficient = false }
        let scope = "\(type):\(name):\(challengeActions ?? action)"
        return .error(
            401, code: "UNAUTHORIZED",
            message: "authentication required, visit https://aka.ms/acr/authorization for more information.",
            detail: .access([AcrEmulatorJSON.AccessDetail(Type: type, Name: name, Action: action)]),
            headers: [challenge(scope: scope, insufficient: insufficient)])
    }

    private func ping(_ request: AcrEmulatorIncoming) -> AcrEmulatorReply {
        switch auth.verdict(authorization: request.authorization) {
        case .basic, .bearer:
            return .json([String: String]())
        case .missing, .invalid:
            return .error(
                401, code: "UNAUTHORIZED",
                message: "authentication required, visit https://aka.ms/acr/authorization for more information.",
                headers: [challenge(scope: nil)])
        }
    }

    // MARK: - Paths

    /// Splits `<name><marker><rest>` at the last `marker`, percent-decoding the repository name.
    static func split(_ path: Substring, at marker: String) -> (name: String, rawName: String, rest: String)? {
        guard let range = path.range(of: marker, options: .backwards) else { return nil }
        let rawName = String(path[..<range.lowerBound])
        guard !rawName.isEmpty, let name = rawName.removingPercentEncoding, Self.isRepositoryName(name) else {
            return nil
        }
        return (name, rawName, String(path[range.upperBound...]))
    }

    /// Distribution's repository grammar: lowercase path components joined by `/`.
    static func isRepositoryName(_ name: String) -> Bool {
        guard name.utf8.count <= 256 else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            guard let first = component.first, let last = component.last, first.isLetter || first.isNumber,
                last.isLetter || last.isNumber
            else { return false }
            return component.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "._-".contains($0) }
        }
    }

    static func isTagName(_ tag: String) -> Bool {
        guard let first = tag.first, tag.utf8.count <= 128, first.isASCII,
            first.isLetter || first.isNumber || first == "_"
        else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// A query value percent-encoded for a `Link` URL.
    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// The page size a listing uses: `n` when given (capped), ACR's default otherwise.
    func pageSize(_ request: AcrEmulatorIncoming) -> Int? {
        guard let text = request.query.value("n"), !text.isEmpty else { return configuration.defaultPageSize }
        guard let value = Int(text), value > 0 else { return nil }
        return min(value, configuration.maximumPageSize)
    }

    static var pageSizeInvalid: AcrEmulatorReply {
        .error(400, code: "PAGINATION_NUMBER_INVALID", message: "invalid number of results requested")
    }
}
