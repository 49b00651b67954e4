import Foundation
import Logging

/// Speaks the registry HTTP API (distribution spec v1.1) to one registry.
///
/// Every request goes through one path (`send`): a shared concurrency limit, auth (anonymous,
/// Basic, Bearer tokens per scope), retries with jittered backoff on 429/5xx/connection errors
/// honouring `Retry-After`, and redirects followed by hand so credentials never leave the registry.
public final class RegistryClient: Sendable {
    public let endpoint: RegistryEndpoint
    public let credentials: Credentials
    let transport: any HTTPTransport
    let authenticator: Authenticator
    let limiter: ConcurrencyLimiter
    let retry: RetryPolicy
    let logger: Logger

    public init(
        endpoint: RegistryEndpoint, credentials: Credentials = .anonymous, transport: any HTTPTransport,
        concurrency: Int = 8, retry: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "regsweep")
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.transport = transport
        self.limiter = ConcurrencyLimiter(limit: concurrency)
        self.retry = retry
        self.logger = logger
        self.authenticator = Authenticator(
            credentials: credentials, registryHost: endpoint.apiHost, transport: transport, logger: logger)
    }

    /// How many tokens the client fetched so far (one per scope while they stay valid).
    public var tokensFetched: Int {
        get async { await authenticator.tokensFetched }
    }

    /// The URL of an API path such as `/v2/my-app/tags/list`.
    func url(_ path: String, query: [URLQueryItem] = []) throws(RegistryError) -> URL {
        var components = URLComponents(string: endpoint.baseURL + path)
        if !query.isEmpty { components?.queryItems = query }
        guard let url = components?.url else {
            throw RegistryError(.invalidInput, "cannot build a URL for \(path)")
        }
        return url
    }

    /// Sends a request with auth, retries and redirects, and returns the final response whatever its
    /// status (callers decide what a 404 means).
    func send(
        _ method: String, _ url: URL, scope: AccessScope?, headers: [(String, String)] = [], body: Data? = nil,
        maxResponseBytes: Int = 16 << 20
    ) async throws -> HTTPResponseData {
        try await limiter.run {
            try await self.sendUnlimited(
                method, url, scope: scope, headers: headers, body: body, maxResponseBytes: maxResponseBytes)
        }
    }

    private func sendUnlimited(
        _ method: String, _ url: URL, scope: AccessScope?, headers: [(String, String)], body: Data?,
        maxResponseBytes: Int
    ) async throws -> HTTPResponseData {
        var attempt = 0
        var reauthenticated = false
        var authorization = try await authenticator.authorization(for: scope)
        while true {
            attempt += 1
            let response: HTTPResponseData
            do {
                response = try await follow(
                    method, url, headers: headers, body: body, authorization: authorization,
                    maxResponseBytes: maxResponseBytes)
            } catch let error as RegistryError where RetryPolicy.isRetryable(error) && attempt < retry.maxAttempts {
                let delay = retry.delay(afterAttempt: attempt, retryAfter: nil)
                logger.debug("retrying after transport error", metadata: ["error": "\(error)", "delay": "\(delay)"])
                try await Task.sleep(for: delay)
                continue
            }
            if response.status == 401 && !reauthenticated {
                reauthenticated = true
                if let header = try await authenticator.authorization(
                    answering: response.header("WWW-Authenticate"), for: scope, url: url)
                {
                    authorization = header
                    attempt -= 1
                    continue
                }
            }
            if RetryPolicy.isRetryable(status: response.status) && attempt < retry.maxAttempts {
                let delay = retry.delay(afterAttempt: attempt, retryAfter: response.header("Retry-After"))
                logger.info(
                    "registry answered \(response.status), retrying",
                    metadata: ["url": "\(Redaction.url(url.absoluteString))", "delay": "\(delay)"])
                try await Task.sleep(for: delay)
                continue
            }
            return response
        }
    }

    /// Sends once, following redirects by hand (at most 5). `Authorization` goes only to the
    /// registry's own host: blob storage redirects elsewhere are normal and must not see it.
    private func follow(
        _ method: String, _ url: URL, headers: [(String, String)], body: Data?, authorization: String?,
        maxResponseBytes: Int
    ) async throws -> HTTPResponseData {
        var currentURL = url
        var currentMethod = method
        var currentBody = body
        for _ in 0..<6 {
            var request = HTTPRequestData(
                method: currentMethod, url: currentURL, headers: headers, body: currentBody,
                maxResponseBytes: maxResponseBytes)
            if let authorization, Self.sameOrigin(currentURL, url) {
                request.headers.append(("Authorization", authorization))
            }
            let response = try await transport.send(request)
            logger.debug(
                "\(currentMethod) \(Redaction.url(currentURL.absoluteString)) -> \(response.status)")
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location"),
                let next = URL(string: location, relativeTo: currentURL)?.absoluteURL
            else { return response }
            if response.status == 303 {
                currentMethod = "GET"
                currentBody = nil
            }
            currentURL = next
        }
        throw RegistryError(.invalidResponse, "too many redirects", url: url.absoluteString)
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme == b.scheme && a.host == b.host && a.port == b.port
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
                    ? "this registry needs credentials: pass -u/-p, set REGSWEEP_USERNAME/REGSWEEP_PASSWORD, or docker login"
                    : "check the username and password; the account needs \(permission)")
        case 403:
            return RegistryError(
                .forbidden, "\(what): permission denied", status: status, url: url.absoluteString, details: details,
                hint: "the credentials need \(permission)")
        case 404:
            return RegistryError(
                .notFound, "\(what): not found", status: status, url: url.absoluteString, details: details)
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
                hint: "wait (Retry-After: \(response.header("Retry-After") ?? "not given")) "
                    + "or lower --concurrency")
        case 500..<600:
            return RegistryError(
                .server, "\(what): the registry failed", status: status, url: url.absoluteString, details: details,
                hint: "retried \(retry.maxAttempts) times; try again later")
        default:
            return RegistryError(
                .http, "\(what): unexpected answer", status: status, url: url.absoluteString, details: details)
        }
    }
}
