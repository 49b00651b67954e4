import Foundation
import Logging

/// Speaks the registry HTTP API (distribution spec v1.1) to one registry.
///
/// Every request goes through one path (`send`): a shared concurrency limit, auth (anonymous,
/// Basic, Bearer tokens per scope), retries with jittered backoff on 429/5xx and transport failures
/// honouring `Retry-After` within one deadline, and redirects followed by hand so credentials never
/// leave the registry. The registry itself is untrusted: URLs it names (`Link`, `Location`,
/// redirects) are checked before they are followed, and credentials go only to its own `/v2/`.
public final class RegistryClient: Sendable {
    public let endpoint: RegistryEndpoint
    public let credentials: Credentials
    public let limits: RegistryLimits
    let transport: any HTTPTransport
    let authenticator: Authenticator
    let limiter: ConcurrencyLimiter
    let retry: RetryPolicy
    let logger: Logger
    /// What deletions taught about the registry (tag delete, whether deleting is enabled).
    let learned: LearnedCapabilities
    /// Where warnings about what the registry sent go (names skipped, …); already escaped.
    let onWarning: @Sendable (String) -> Void
    /// Which API the registry speaks, once `detectAPI` decided; read without awaiting, since it
    /// decides where credentials may go.
    let api = DetectedAPI()
    /// The registry's origin (`origin(key:)` of its base URL), worked out once: every request is
    /// checked against it.
    let origin: String?

    public convenience init(
        endpoint: RegistryEndpoint, credentials: Credentials = .anonymous, transport: any HTTPTransport,
        concurrency: Int = 8, retry: RetryPolicy = RetryPolicy(), limits: RegistryLimits = RegistryLimits(),
        logger: Logger = Logger(label: "regsweep"), onWarning: (@Sendable (String) -> Void)? = nil
    ) {
        self.init(
            endpoint: endpoint, credentials: credentials, transport: transport, concurrency: concurrency, retry: retry,
            limits: limits, logger: logger, onWarning: onWarning, now: { Date() })
    }

    /// `now` is the clock token lifetimes are measured against (tests move it instead of sleeping).
    init(
        endpoint: RegistryEndpoint, credentials: Credentials, transport: any HTTPTransport, concurrency: Int,
        retry: RetryPolicy, limits: RegistryLimits, logger: Logger, onWarning: (@Sendable (String) -> Void)?,
        now: @escaping @Sendable () -> Date
    ) {
        self.onWarning = onWarning ?? { [logger] message in logger.warning("\(message)") }
        self.endpoint = endpoint
        self.origin = URL(string: endpoint.baseURL).flatMap(Self.origin(key:))
        self.credentials = credentials
        self.transport = transport
        self.limiter = ConcurrencyLimiter(limit: concurrency)
        self.retry = retry
        self.limits = limits
        self.logger = logger
        self.learned = LearnedCapabilities()
        self.authenticator = Authenticator(
            credentials: credentials, endpoint: endpoint, transport: transport, retry: retry, logger: logger, now: now)
    }

    /// How many tokens the client fetched so far (one per scope while they stay valid).
    public var tokensFetched: Int {
        get async { await authenticator.tokensFetched }
    }

    /// Reports something the registry sent that regsweep left out or could not use.
    func warn(_ message: String) { onWarning(message) }

    /// The URL of an API path such as `/v2/my-app/tags/list`.
    func url(_ path: String, query: [URLQueryItem] = []) throws(RegistryError) -> URL {
        var components = URLComponents(string: endpoint.baseURL + path)
        if !query.isEmpty { components?.queryItems = query }
        guard let url = components?.url, isOnRegistry(url) else {
            throw RegistryError(.invalidInput, "cannot build a registry URL for \(path)")
        }
        return url
    }

    /// Whether `url` is the registry's own API: the exact scheme, host and port of `-r`, a path
    /// under `/v2/` without `.`/`..` segments (also percent-encoded). Only such URLs get credentials.
    func isOnRegistry(_ url: URL) -> Bool {
        guard let origin, Self.origin(key: url) == origin else { return false }
        let path = url.path(percentEncoded: true)
        // `/acr/v1/` is ACR's own API on the same host: credentials go there once the registry
        // has shown it is ACR (`detectAPI`), never on the strength of a path alone.
        let acr = path.hasPrefix("/acr/v1/") && api.current == .acr
        guard path == "/v2/" || path.hasPrefix("/v2/") || acr else { return false }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        // Every request passes here three times: without `%` or a backslash nothing needs decoding.
        if !path.utf8.contains(UInt8(ascii: "%")) && !path.utf8.contains(UInt8(ascii: "\\")) {
            return !segments.contains { $0 == "." || $0 == ".." }
        }
        return !segments.contains { segment in
            let decoded = segment.removingPercentEncoding ?? String(segment)
            return decoded == ".." || decoded == "." || decoded.contains("/") || decoded.contains("\\")
        }
    }

    /// Refuses a URL the registry named (`Link`, upload `Location`) that leaves its API.
    func requireOnRegistry(_ url: URL, namedBy what: String) throws(RegistryError) {
        guard isOnRegistry(url) else {
            let target = Self.origin(of: url)
            throw RegistryError(
                .refused,
                Self.origin(key: url) == origin
                    ? "\(what) points outside the registry API (\(url.path(percentEncoded: true))); refusing to follow it"
                    : "\(what) points to another host (\(target)); refusing to follow it",
                url: url.absoluteString,
                hint: "the registry or something in front of it is misbehaving; credentials were not sent")
        }
    }

    /// Sends a request with auth, retries and redirects, and returns the final response whatever its
    /// status (callers decide what a 404 means). The concurrency slot is held only while a request
    /// is on the wire, never while waiting to retry.
    func send(
        _ method: String, _ url: URL, scope: AccessScope?, headers: [(String, String)] = [], body: Data? = nil,
        maxResponseBytes: Int = 16 << 20
    ) async throws -> HTTPResponseData {
        try requireOnRegistry(url, namedBy: "the request")
        var schedule = RetrySchedule(policy: retry, method: method)
        var reauthenticated = false
        var authorization = try await authenticator.authorization(for: scope)
        while true {
            let followed: Followed
            let sending = authorization
            do {
                followed = try await limiter.run {
                    try await self.follow(
                        method, url, headers: headers, body: body, authorization: sending,
                        maxResponseBytes: maxResponseBytes)
                }
            } catch let error as RegistryError {
                guard let delay = schedule.retry(after: error) else { throw error }
                logger.debug(
                    "retrying after a transport error",
                    metadata: ["error": "\(error)", "delay": "\(delay)", "failures": "\(schedule.failures)"])
                try await Task.sleep(for: delay)
                continue
            }
            let response = followed.response
            if response.status == 401 && followed.leftRegistry {
                // A host the registry sent us to wants credentials: it gets none, and we do not
                // take its challenge as the registry's.
                throw RegistryError(
                    .refused,
                    "a host the registry redirected to (\(Self.origin(of: followed.url))) asked for credentials",
                    status: 401, url: followed.url.absoluteString,
                    hint: "credentials go only to the registry itself; check what answers for it")
            }
            if response.status == 401 && !reauthenticated {
                reauthenticated = true
                if let header = try await authenticator.authorization(
                    answering: response.header("WWW-Authenticate"), for: scope, url: url, sent: sending)
                {
                    authorization = header
                    continue
                }
            }
            if let delay = schedule.retry(afterStatus: response.status, retryAfter: response.header("Retry-After")) {
                logger.info(
                    "registry answered \(response.status), retrying",
                    metadata: ["url": "\(SafeText.escape(Redaction.url(url.absoluteString)))", "delay": "\(delay)"])
                try await Task.sleep(for: delay)
                continue
            }
            return response
        }
    }

    /// A response and where it finally came from.
    struct Followed: Sendable {
        var response: HTTPResponseData
        var url: URL
        /// Whether a redirect took the request off the registry's API.
        var leftRegistry: Bool
    }

    /// Sends once, following redirects by hand. `Authorization` goes only to the registry's own API:
    /// blob storage redirects elsewhere are normal and must not see it. Only `http` and `https` are
    /// followed, and `http` only where plain HTTP is allowed.
    private func follow(
        _ method: String, _ url: URL, headers: [(String, String)], body: Data?, authorization: String?,
        maxResponseBytes: Int
    ) async throws -> Followed {
        var currentURL = url
        var currentMethod = method
        var currentBody = body
        for _ in 0...limits.maxRedirects {
            let onRegistry = isOnRegistry(currentURL)
            var request = HTTPRequestData(
                method: currentMethod, url: currentURL, headers: headers, body: currentBody,
                maxResponseBytes: maxResponseBytes)
            if let authorization, onRegistry {
                request.headers.append(("Authorization", authorization))
            }
            let response = try await transport.send(request)
            logger.debug(
                "\(currentMethod) \(SafeText.escape(Redaction.url(currentURL.absoluteString))) -> \(response.status)")
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location")
            else { return Followed(response: response, url: currentURL, leftRegistry: !onRegistry) }
            guard let next = URL(string: location, relativeTo: currentURL)?.absoluteURL else {
                throw RegistryError(
                    .invalidResponse, "the registry redirected to something that is not a URL",
                    status: response.status, url: currentURL.absoluteString)
            }
            try checkRedirect(to: next, from: currentURL, status: response.status)
            if response.status == 303 {
                currentMethod = "GET"
                currentBody = nil
            }
            currentURL = next
        }
        throw RegistryError(
            .invalidResponse, "too many redirects (more than \(limits.maxRedirects))", url: url.absoluteString)
    }

    /// A redirect may go to `https` anywhere (blob storage, CDNs); to `http` only from a registry
    /// the user put on plain HTTP, and from a loopback one only to loopback (an https registry is
    /// never downgraded, not even to this machine); never to another scheme (`http+unix://` would
    /// reach local sockets such as docker.sock).
    private func checkRedirect(to next: URL, from current: URL, status: Int) throws(RegistryError) {
        let scheme = next.scheme?.lowercased() ?? ""
        guard scheme == "https" || scheme == "http" else {
            throw RegistryError(
                .refused,
                "the registry redirected to a \(scheme.isEmpty ? "scheme-less" : scheme + "://") URL; only http and https are followed",
                status: status, url: current.absoluteString,
                hint: "the registry or something in front of it is misbehaving")
        }
        if scheme == "http" {
            let plainAllowed = endpoint.scheme == "http" && (RegistryEndpoint.isLoopback(next) || !endpoint.isLoopback)
            guard plainAllowed else {
                throw RegistryError(
                    .refused, "the registry redirected to plain HTTP at \(Self.origin(of: next)); refusing",
                    status: status, url: current.absoluteString,
                    hint: "traffic would cross the network unencrypted; pass --plain-http only if that is intended")
            }
        }
    }

    /// `scheme://host:port` in lower case with the port always written: two URLs are on the same
    /// origin when their keys are equal.
    static func origin(key url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        return scheme + "://" + host.lowercased() + ":" + String(url.port ?? defaultPort)
    }

    /// `scheme://host:port` of a URL, escaped, for messages.
    static func origin(of url: URL) -> String {
        SafeText.escape("\(url.scheme ?? "?")://") + RegistryEndpoint.authority(of: url)
    }

    /// The error for a response that was not what the operation needed.
    func failure(
        _ response: HTTPResponseData, doing what: String, url: URL, method: String, scope: AccessScope?
    ) -> RegistryError {
        let details = RegistryError.details(from: response.body)
        let codes = Set(details.map(\.code))
        let status = response.status
        let permission = scope?.permissionDescription ?? "access"
        switch status {
        case 401:
            return RegistryError(
                .unauthorized, "\(what): not authorised (\(credentials))", status: status, url: url.absoluteString,
                details: details,
                hint: credentials == .anonymous
                    ? (api.current == .acr
                        ? "log in with az acr login -n \(RegistryAPI.acrName(endpoint.name)), or pass -u \(Credentials.acrTokenUsername) "
                            + "--password-stdin with the token of az acr login --expose-token"
                        : "this registry needs credentials: pass -u/-p, set REGSWEEP_USERNAME/REGSWEEP_PASSWORD, or docker login")
                    : (api.current == .acr
                        ? "the token may have expired (az acr login again); the identity needs \(permission) "
                            + "(AcrPull to list, AcrDelete to delete, a metadata_write role for --include-locked)"
                        : "check the username and password; the account needs \(permission)"))
        case 403:
            return RegistryError(
                .forbidden, "\(what): permission denied", status: status, url: url.absoluteString, details: details,
                hint: api.current == .acr
                    ? "the identity needs \(permission) on ACR (AcrPull to list, AcrDelete to delete), "
                        + "or the registry's network rules refuse this address"
                    : "the credentials need \(permission)")
        case 404:
            return RegistryError(
                .notFound, "\(what): not found", status: status, url: url.absoluteString, details: details)
        case 405 where codes.contains("REGISTRY_DISALLOWED_OPERATION"):
            // ACR: a write- or delete-locked tag or manifest (or a registry-wide setting).
            return RegistryError(
                .locked, "\(what): ACR refuses it: the item is locked", status: status, url: url.absoluteString,
                details: details,
                hint: "purge with --include-locked to unlock and delete, or unlock it first: "
                    + "az acr repository update -n REGISTRY --image REPO:TAG --delete-enabled true --write-enabled true"
            )
        case 405 where method == "DELETE", 400 where method == "DELETE" && codes.contains("UNSUPPORTED"):
            return RegistryError(
                .deleteDisabled, "\(what): deletion is disabled on this registry", status: status,
                url: url.absoluteString, details: details,
                hint: "set storage.delete.enabled: true in the registry's config (distribution), "
                    + "or delete through the vendor's own API")
        case 405:
            return RegistryError(
                .unsupported, "\(what): the registry does not support this", status: status,
                url: url.absoluteString, details: details)
        case 429:
            return RegistryError(
                .rateLimited, "\(what): rate limited by the registry", status: status, url: url.absoluteString,
                details: details,
                hint:
                    "wait (Retry-After: \(SafeText.escape(String((response.header("Retry-After") ?? "not given").prefix(40))))) "
                    + "or lower --concurrency")
        case 500..<600:
            return RegistryError(
                .server, "\(what): the registry failed", status: status, url: url.absoluteString, details: details,
                hint: "retried up to \(retry.maxAttempts) times; try again later")
        default:
            return RegistryError(
                .http, "\(what): unexpected answer", status: status, url: url.absoluteString, details: details)
        }
    }
}
