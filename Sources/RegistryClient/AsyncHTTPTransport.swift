import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// How to verify the registry's TLS certificate.
public struct TLSOptions: Sendable, Equatable {
    /// A PEM file with extra CA certificates to trust besides the system store.
    public var caCertificatePath: String?
    /// Skip certificate verification entirely (only when the user asked for it).
    public var insecure: Bool

    public init(caCertificatePath: String? = nil, insecure: Bool = false) {
        self.caCertificatePath = caCertificatePath
        self.insecure = insecure
    }
}

/// The real transport: AsyncHTTPClient with pooled connections, HTTP/2 when offered, no automatic
/// redirects (the registry client follows them itself so it can drop credentials across hosts).
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    /// How long one request may take, head and body (`perform` says how).
    private let timeout: TimeAmount

    /// Creates a transport; call `shutdown()` when done (or use `withTransport`).
    ///
    /// `requestTimeout` bounds a request, its body included: a server trickling a byte a second is
    /// cut off when it passes, one that goes silent by a read timeout of the same length (so a
    /// stall that starts just before the deadline ends within twice it). `connectionsPerHost`
    /// should match the client's concurrency, so that every request in flight has a pooled
    /// connection to reuse.
    public init(
        tls: TLSOptions = TLSOptions(), requestTimeout: Duration = .seconds(60), connectionsPerHost: Int = 8
    ) throws(RegistryError) {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let path = tls.caCertificatePath {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(path)
                guard !certificates.isEmpty else {
                    throw RegistryError(.invalidInput, "--ca-cert \(path) holds no PEM certificate")
                }
                tlsConfiguration.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as RegistryError {
                throw error
            } catch {
                throw RegistryError(
                    .invalidInput, "cannot read the CA certificate \(path)",
                    hint: "pass a PEM file with --ca-cert")
            }
        }
        if tls.insecure { tlsConfiguration.certificateVerification = .none }
        let timeout = Self.timeAmount(requestTimeout)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration, redirectConfiguration: .disallow,
            timeout: .init(connect: min(.seconds(10), timeout), read: timeout))
        configuration.httpVersion = .automatic
        // A refused connection is an answer: fail at once (our own retry policy decides about
        // trying again) rather than let the pool retry quietly until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connectionsPerHost)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    /// NIO's form of a timeout, in whole milliseconds so that a sub-second timeout is not rounded
    /// down to none, and clamped to 1 ms … ~11.5 days (NIO keeps nanoseconds in an Int64; the
    /// conversion of a larger figure would trap).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let milliseconds = duration / .milliseconds(1)
        guard milliseconds.isFinite else { return .milliseconds(1) }
        return .milliseconds(Int64(min(max(milliseconds, 1), 1e9)))
    }

    /// Runs `body` with a transport and always shuts it down afterwards.
    public static func withTransport<T>(
        tls: TLSOptions = TLSOptions(), requestTimeout: Duration = .seconds(60), connectionsPerHost: Int = 8,
        _ body: (AsyncHTTPTransport) async throws -> T
    ) async throws -> T {
        let transport = try AsyncHTTPTransport(
            tls: tls, requestTimeout: requestTimeout, connectionsPerHost: connectionsPerHost)
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// Closes pooled connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        do {
            return try await perform(request)
        } catch {
            throw Self.classify(error, request: request)
        }
    }

    /// One request, head and body, within the deadline.
    ///
    /// The client's deadline ends the wait for the head; the body is read a chunk at a time, each
    /// checked against the same deadline, so a server trickling a byte a second is cut off when
    /// time is up, and one that goes silent by the read timeout. No task or timer per request: a
    /// `Task.sleep` racing the request in a task group cost two child tasks per request, each
    /// cancelled sleep kept its timer until the deadline (10,016 live at the end of a 10,000-tag
    /// warm load), and an event-loop timer instead cost two loop wake-ups per request, which made a
    /// cold load slower (71 and 77 s against 66 s, `load-benchmark --tags 10000`).
    private func perform(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let deadline = NIODeadline.now() + timeout
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(outgoing, deadline: deadline)
        var headers: [(String, String)] = []
        for header in response.headers.prefix(Self.maxHeaders) { headers.append((header.name, header.value)) }
        // Also for HEAD: a body stream left unread ends the connection instead of returning it to
        // the pool. A HEAD's body is empty, so reading it costs nothing.
        let isHead = request.method == "HEAD"
        let limit = isHead ? 0 : request.maxResponseBytes
        let announced = response.headers.first(name: "content-length").flatMap { Int($0) }
        // Refused unread when it says it is too big (as the client's own `collect(upTo:)` did). A
        // HEAD's Content-Length is the GET's; its body is empty.
        if !isHead, let announced, announced > limit { throw NIOTooManyBytesError(maxBytes: limit) }
        var buffer = ByteBuffer()
        for try await chunk in response.body {
            guard buffer.readableBytes + chunk.readableBytes <= limit else {
                throw NIOTooManyBytesError(maxBytes: limit)
            }
            if buffer.readableBytes == 0 { buffer = chunk } else { buffer.writeImmutableBuffer(chunk) }
            // The deadline is for a body still arriving. One that is all here is not thrown away
            // because this task was scheduled late on a busy machine (seen on CI, 900 ms timeout).
            if let announced, buffer.readableBytes >= announced { continue }
            guard NIODeadline.now() < deadline else { throw DeadlineExceeded() }
        }
        return HTTPResponseData(
            status: Int(response.status.code), headers: headers, body: Data(buffer.readableBytesView))
    }

    /// Headers kept from one response; a flood of them is cut, not stored.
    static let maxHeaders = 200

    /// The request did not finish (head and body) in time.
    struct DeadlineExceeded: Error {}

    /// Turns transport errors into `RegistryError`s that say, in plain words, what failed and what
    /// to check. The transport's own text goes to `underlying` (shown with `--verbose`).
    static func classify(_ error: any Error, request: HTTPRequestData) -> RegistryError {
        let url = request.url.absoluteString
        let host = RegistryEndpoint.authority(of: request.url)
        let underlying = String(describing: error)
        if error is NIOTooManyBytesError {
            return RegistryError(
                .tooLarge, "the answer to \(request.method) is larger than \(request.maxResponseBytes) bytes",
                url: url, hint: "a manifest or listing is never that big; refusing it", underlying: underlying)
        }
        if error is DeadlineExceeded {
            return RegistryError(
                .timeout, "\(request.method) to \(host) did not finish in time", url: url,
                hint: "check that the registry is up, or raise --timeout", underlying: underlying)
        }
        if error is CancellationError {
            // The caller gave up (Ctrl-C, a closed browser): not the network's fault, never retried.
            return RegistryError(
                .cancelled, "\(request.method) to \(host) was cancelled", url: url, underlying: underlying)
        }
        // The transport's own header check (its cases carry the names, so they are matched by
        // text): nothing with CR, LF or other controls goes on the wire.
        if error is HTTPClientError, underlying.contains("invalidHeaderField") {
            return RegistryError(
                .invalidInput, "refusing to send a header with control characters", url: url,
                hint: "a token or header value was malformed; nothing was sent", underlying: underlying)
        }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout:
                return RegistryError(
                    .timeout, "\(request.method) to \(host) timed out", url: url,
                    hint: "check that the registry is up, or raise --timeout", underlying: underlying)
            case .cancelled:
                return RegistryError(
                    .cancelled, "\(request.method) to \(host) was cancelled", url: url, underlying: underlying)
            case .remoteConnectionClosed:
                return RegistryError(
                    .unreachable, "\(host) closed the connection before answering", url: url,
                    hint: "the registry or a proxy in front of it dropped the request; try again",
                    underlying: underlying)
            default: break
            }
        }
        if let io = error as? IOError {
            let reason: String
            switch io.errnoCode {
            case ECONNREFUSED: reason = "the connection was refused"
            case ECONNRESET: reason = "the connection was reset"
            case ETIMEDOUT: reason = "the connection timed out"
            case EHOSTUNREACH, ENETUNREACH: reason = "there is no route to it"
            case EPIPE: reason = "the connection was closed"
            default: reason = "the network failed"
            }
            return RegistryError(
                .unreachable, "cannot reach \(host): \(reason)", url: url,
                hint: "check the host and port given with -r, and that the registry is running",
                underlying: underlying)
        }
        let typeName = String(describing: type(of: error))
        if typeName.contains("SSL") || typeName.contains("TLS") || underlying.contains("SSL") {
            return RegistryError(
                .tls, "the TLS handshake with \(host) failed", url: url,
                hint: "if the registry uses a private CA pass --ca-cert FILE; "
                    + "for a plain-HTTP registry use --plain-http",
                underlying: underlying)
        }
        if error is HTTPParserError || error is ChannelError {
            return RegistryError(
                .unreachable, "the connection to \(host) broke off in the middle of an answer", url: url,
                hint: "the registry or a proxy in front of it dropped the request; try again", underlying: underlying)
        }
        return RegistryError(
            .unreachable, "cannot reach \(host)", url: url,
            hint: "check the host and port given with -r, and that the registry is running", underlying: underlying)
    }
}
