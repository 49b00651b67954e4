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
    private let requestTimeout: TimeAmount

    /// Creates a transport; call `shutdown()` when done (or use `withTransport`).
    public init(tls: TLSOptions = TLSOptions(), requestTimeout: Duration = .seconds(60)) throws(RegistryError) {
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
                    .invalidInput, "cannot read the CA certificate \(path): \(error)",
                    hint: "pass a PEM file with --ca-cert")
            }
        }
        if tls.insecure { tlsConfiguration.certificateVerification = .none }
        // Milliseconds, so that a sub-second timeout is not rounded down to none.
        let timeout = TimeAmount.milliseconds(max(1, Int64(requestTimeout / .milliseconds(1))))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration, redirectConfiguration: .disallow,
            timeout: .init(connect: min(.seconds(10), timeout), read: timeout))
        configuration.httpVersion = .automatic
        // A refused connection is an answer: fail at once (our own retry policy decides about
        // trying again) rather than let the pool retry quietly until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.requestTimeout = timeout
    }

    /// Runs `body` with a transport and always shuts it down afterwards.
    public static func withTransport<T>(
        tls: TLSOptions = TLSOptions(), requestTimeout: Duration = .seconds(60),
        _ body: (AsyncHTTPTransport) async throws -> T
    ) async throws -> T {
        let transport = try AsyncHTTPTransport(tls: tls, requestTimeout: requestTimeout)
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
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
            outgoing.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        }
        do {
            let response = try await client.execute(outgoing, timeout: requestTimeout)
            var headers: [(String, String)] = []
            for header in response.headers { headers.append((header.name, header.value)) }
            let buffer: ByteBuffer
            if request.method == "HEAD" {
                buffer = ByteBuffer()
            } else {
                buffer = try await response.body.collect(upTo: request.maxResponseBytes)
            }
            let data = Data(buffer.readableBytesView)
            return HTTPResponseData(status: Int(response.status.code), headers: headers, body: data)
        } catch {
            throw Self.classify(error, request: request)
        }
    }

    /// Turns transport errors into `RegistryError`s that say what to check.
    static func classify(_ error: any Error, request: HTTPRequestData) -> RegistryError {
        let url = request.url.absoluteString
        let host = request.url.host.map { h in request.url.port.map { "\(h):\($0)" } ?? h } ?? url
        if error is NIOTooManyBytesError {
            return RegistryError(
                .tooLarge, "the response to \(request.method) is larger than \(request.maxResponseBytes) bytes",
                url: url, hint: "the registry sent more than a manifest or listing should ever be; refusing it")
        }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout:
                return RegistryError(
                    .timeout, "\(request.method) to \(host) timed out", url: url,
                    hint: "check that the registry is up, or raise --timeout")
            case .remoteConnectionClosed:
                return RegistryError(.unreachable, "\(host) closed the connection", url: url)
            default: break
            }
        }
        let text = String(describing: error)
        let typeName = String(describing: type(of: error))
        if typeName.contains("SSL") || typeName.contains("TLS") || text.contains("SSL") {
            return RegistryError(
                .tls, "TLS with \(host) failed (\(text))", url: url,
                hint: "if the registry uses a private CA pass --ca-cert FILE; "
                    + "for a plain-HTTP registry use --plain-http")
        }
        return RegistryError(
            .unreachable, "cannot reach \(host) (\(text))", url: url,
            hint: "check the host and port given with -r, and that the registry is running")
    }
}
