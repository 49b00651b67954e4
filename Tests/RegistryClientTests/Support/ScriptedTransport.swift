import Foundation
import RegistryClient

/// An in-memory `HTTPTransport`: every request is recorded and answered by a closure, so the
/// request path (auth, retries, redirects, pagination) can be checked without a network.
final class ScriptedTransport: HTTPTransport {
    typealias Responder = @Sendable (HTTPRequestData) throws(RegistryError) -> HTTPResponseData

    private let responder: Responder
    private let latency: Duration?
    private let log = Locked<[HTTPRequestData]>([])
    private let inFlight = Locked((now: 0, most: 0))

    /// - Parameter latency: how long each answer takes, to let concurrent requests overlap.
    init(latency: Duration? = nil, _ responder: @escaping Responder) {
        self.latency = latency
        self.responder = responder
    }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        log.withLock { $0.append(request) }
        inFlight.withLock { counts in
            counts.now += 1
            counts.most = max(counts.most, counts.now)
        }
        defer { inFlight.withLock { $0.now -= 1 } }
        if let latency { try? await Task.sleep(for: latency) }
        return try responder(request)
    }

    /// The most requests that were in flight at once.
    var mostInFlight: Int { inFlight.current.most }

    /// Every request sent so far, in order.
    var requests: [HTTPRequestData] { log.current }

    /// The requests sent to `host`.
    func requests(to host: String) -> [HTTPRequestData] {
        requests.filter { $0.url.host == host }
    }
}

/// Builders for scripted answers.
extension HTTPResponseData {
    static func json(_ object: Any, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponseData {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return HTTPResponseData(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HTTPResponseData {
        HTTPResponseData(status: status, headers: headers, body: Data(text.utf8))
    }

    /// A distribution-style error body, `{"errors":[{"code":…,"message":…}]}`.
    static func registryError(
        _ status: Int, code: String, message: String, headers: [(String, String)] = []
    )
        -> HTTPResponseData
    {
        json(["errors": [["code": code, "message": message]]], status: status, headers: headers)
    }
}

extension HTTPRequestData {
    /// The URL's path as sent, trailing slash included (`URL.path` drops it).
    var path: String {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path
    }

    /// The first value of a query parameter.
    func query(_ name: String) -> String? {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value
    }

    /// The form body of a POST, decoded.
    var form: [String: String] {
        var components = URLComponents()
        components.percentEncodedQuery = String(decoding: body ?? Data(), as: UTF8.self)
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return fields
    }
}

/// Wraps another transport and records what went through it (method, URL, status).
final class RecordingTransport: HTTPTransport {
    struct Exchange: Sendable {
        var method: String
        var url: URL
        var status: Int?
    }

    private let base: any HTTPTransport
    private let log = Locked<[Exchange]>([])

    init(_ base: any HTTPTransport) {
        self.base = base
    }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        do {
            let response = try await base.send(request)
            log.withLock { $0.append(Exchange(method: request.method, url: request.url, status: response.status)) }
            return response
        } catch {
            log.withLock { $0.append(Exchange(method: request.method, url: request.url, status: nil)) }
            throw error
        }
    }

    var exchanges: [Exchange] { log.current }
}
