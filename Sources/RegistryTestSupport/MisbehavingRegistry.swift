import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RegistryClient

/// A registry-shaped HTTP/1.1 server that lies, stalls and phishes, one named way at a time.
///
/// It serves a small valid repository (`app`: tags `1.0`, `2.0`, `latest` on two images with config
/// blobs) behind Basic auth, and in each `Mode` misbehaves in one way. Besides the registry on
/// `127.0.0.1` it runs a second listener on `127.0.0.2` ("elsewhere": another host as far as
/// credentials go) and a Unix socket (the target of `http+unix://` redirects), and records every
/// request that reaches any of them, so tests assert on what a client sent, not on what it says.
///
/// Real sockets on loopback only; every endless behaviour is bounded on the server side too.
///
///     try await MisbehavingRegistry.with(mode: .linkToOtherHost) { server in
///         // point a client (or `regsweep -r`) at server.host with server.credentials, then:
///         #expect(server.requests(on: .elsewhere).isEmpty)
///         #expect(server.leakedCredentials.isEmpty)
///     }
public final class MisbehavingRegistry: Sendable {
    /// One way to misbehave. `honest` serves the repository correctly (the control case).
    public enum Mode: String, Sendable, CaseIterable, CustomStringConvertible {
        case honest
        /// Not misbehaviour but its control: blob GETs redirect to storage on the other host, as
        /// real registries do; the other host serves them without credentials.
        case blobRedirectElsewhere
        /// Tag and catalog pages link (`Link: rel="next"`) to the other host, which asks for Basic credentials.
        case linkToOtherHost
        /// Tag pages link to `/v2/../../secret`, catalog pages to `/v2/%2e%2e/%2e%2e/secret`.
        case linkClimbing
        /// A blob-upload POST answers with a `Location` on the other host.
        case uploadLocationOtherHost
        /// Manifest GET/HEAD redirect to the other host, which answers 401 with a Bearer realm on itself.
        case redirectThenBearerRealm
        /// DELETE, and GET of a manifest by tag, redirect to `http+unix://` (this server's own socket).
        case redirectToUnixScheme
        /// Repository and tag names, an error message and a platform carry terminal escapes and C0/C1 controls.
        case controlCharactersInNames
        /// A repository `a/../../etc` and tags `..` and `../../../etc/passwd`.
        case dotDotNames
        /// Tag `1.0`'s manifest body differs from its digest and from `Docker-Content-Digest`.
        case digestMismatch
        /// Tag `1.0` is served as signed schema1 whose body does not match its digest.
        case schema1OtherContent
        /// Manifests referenced by `sha512:` digests; tag `1.0`'s content does not match its digest.
        case sha512Mismatch
        /// Catalog, tag list and tag `1.0`'s manifest bodies dribble in each second (a byte or two:
        /// about 35 s in all), so no per-read timeout ever fires.
        case trickleBody
        /// Every catalog and tag page links to a new, distinct page (stops after 20,000).
        case endlessLinks
        /// 429 with `Retry-After: 1e300` (tags), a year-9999 date (catalog), `inf` (manifests), once each.
        case hugeRetryAfter
        /// DELETE answers 202 but nothing is deleted.
        case deleteIgnored
        /// Catalog, tag list and manifest answers carry 10,000 headers and one of 1 MiB.
        case headerFlood
        /// Tag `1.0`'s manifest is an array nested 100,000 deep (with a correct digest).
        case deepJSON
        /// Catalog, tag list and tag `1.0`'s manifest bodies never end (stops after 256 MiB).
        case hugeBody
        /// The catalog and tag `1.0`'s manifest are HTML served as `text/html`.
        case badContentType
        /// The registry wants Bearer tokens, and its token service hands out one containing CR LF.
        case tokenWithCRLF

        public var description: String { rawValue }
    }

    /// Where a request arrived.
    public enum Listener: String, Sendable, CustomStringConvertible {
        /// The registry itself, `127.0.0.1:PORT`.
        case registry
        /// Another host, `127.0.0.2:PORT`.
        case elsewhere
        /// The Unix socket that `http+unix://` redirects name.
        case unixSocket

        public var description: String { rawValue }
    }

    /// One request as it arrived: listener, method, URI (raw, as sent) and every header.
    public struct Request: Sendable, CustomStringConvertible {
        public var listener: Listener
        public var method: String
        public var uri: String
        public var headers: [(String, String)]

        /// The first value of a header, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }

        /// The path as sent, before `?`.
        public var rawPath: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }

        /// The path percent-decoded: what a server that decodes before routing would see.
        public var decodedPath: String { rawPath.removingPercentEncoding ?? rawPath }

        /// The query parameters (first value of each name).
        public var query: [String: String] {
            var result: [String: String] = [:]
            for item in URLComponents(string: uri)?.queryItems ?? [] where result[item.name] == nil {
                result[item.name] = item.value ?? ""
            }
            return result
        }

        /// Whether the path, raw or decoded, has a `..` segment.
        public var hasDotDotSegment: Bool {
            [rawPath, decodedPath].contains {
                $0.split(separator: "/", omittingEmptySubsequences: false).contains("..")
            }
        }

        /// The decoded path with `.` and `..` segments resolved, as a naive server would route it.
        public var normalizedPath: String {
            var segments: [Substring] = []
            for segment in decodedPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                switch segment {
                case ".": continue
                case "..": _ = segments.popLast()
                default: segments.append(segment)
                }
            }
            return "/" + segments.joined(separator: "/")
        }

        public var description: String { "\(listener) \(method) \(uri)" }
    }

    /// The username the registry accepts.
    public static let username = "hostile-user"
    /// The password the registry accepts; tests search for it (and its Base64 forms) in what leaked.
    public static let password = "pw-HOSTILE-s3cret"

    /// The mode this server misbehaves in.
    public let mode: Mode
    /// `127.0.0.1:PORT`: what `-r` names.
    public let host: String
    /// `127.0.0.2:PORT`: the other host.
    public let elsewhereHost: String
    /// The Unix socket `http+unix://` redirects point at (never the real Docker socket).
    public let unixSocketPath: String

    private let channels: [any Channel]
    private let state: RegistryState
    private let folder: String

    private init(
        mode: Mode, host: String, elsewhereHost: String, unixSocketPath: String, folder: String,
        channels: [any Channel], state: RegistryState
    ) {
        self.mode = mode
        self.host = host
        self.elsewhereHost = elsewhereHost
        self.unixSocketPath = unixSocketPath
        self.folder = folder
        self.channels = channels
        self.state = state
    }

    /// The credentials the registry accepts.
    public var credentials: Credentials { .basic(username: Self.username, password: Self.password) }

    /// The `Authorization` value of those credentials.
    public static var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The repository every mode serves, and the tags it starts with.
    public static let repository = "app"
    public static let tags = ["1.0", "2.0", "latest"]

    /// Every request that reached any listener, in arrival order.
    public var requests: [Request] { state.log.withValue { $0 } }

    /// The requests that reached one listener.
    public func requests(on listener: Listener) -> [Request] { requests.filter { $0.listener == listener } }

    /// The DELETE requests that reached the registry, as decoded paths.
    public var deletions: [String] {
        requests(on: .registry).filter { $0.method == "DELETE" }.map(\.decodedPath)
    }

    /// Requests that carried credentials where they must never go: any other listener, and any path
    /// on the registry outside `/v2/` other than its own token realm.
    public var leakedCredentials: [Request] {
        requests.filter { request in
            guard request.header("Authorization") != nil else { return false }
            switch request.listener {
            case .elsewhere, .unixSocket: return true
            case .registry:
                if mode == .tokenWithCRLF && request.rawPath == "/token" && !request.hasDotDotSegment { return false }
                return !request.normalizedPath.hasPrefix("/v2/") || request.hasDotDotSegment
            }
        }
    }

    /// Requests whose path has a `..` segment, raw or percent-decoded.
    public var dotDotRequests: [Request] { requests.filter(\.hasDotDotSegment) }

    /// Requests with a header a client produced from a CR LF in a value (header injection).
    public var injectedHeaderRequests: [Request] {
        requests.filter { request in
            request.headers.contains { name, value in
                name.lowercased().hasPrefix("x-injected") || value.contains("\r") || value.contains("\n")
            }
        }
    }

    /// The tags of a repository as the server holds them now (after any deletions it honoured).
    public func currentTags(of repository: String = MisbehavingRegistry.repository) -> [String] {
        state.content.withValue { $0.repositories[repository]?.tags.keys.sorted() ?? [] }
    }

    /// The digest a tag pointed to when the server started.
    public func initialDigest(of tag: String, in repository: String = MisbehavingRegistry.repository) -> Digest? {
        state.initialTags[repository]?[tag]
    }

    /// The digests whose content this mode lies about: a client must never delete them.
    public var untrustworthyDigests: [Digest] { state.untrustworthy }

    /// Starts a server in `mode`, runs `body`, and stops the server whatever happens.
    public static func with<T>(
        mode: Mode, isolation: isolated (any Actor)? = #isolation, _ body: (MisbehavingRegistry) async throws -> T
    ) async throws -> T {
        let server = try await start(mode: mode)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// Starts the three listeners. Prefer `with(mode:_:)`, which always shuts them down.
    public static func start(mode: Mode) async throws -> MisbehavingRegistry {
        // Short: a Unix socket path must fit in 108 bytes.
        let folder = "/tmp/rs-hostile-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let socketPath = folder + "/registry.sock"
        let state = RegistryState()
        var channels: [any Channel] = []
        do {
            let registry = try await bind(.registry, host: "127.0.0.1", state: state)
            channels.append(registry)
            let elsewhere = try await bind(.elsewhere, host: "127.0.0.2", state: state)
            channels.append(elsewhere)
            let unix = try await bootstrap(.unixSocket, state: state).bind(unixDomainSocketPath: socketPath).get()
            channels.append(unix)
            guard let port = registry.localAddress?.port, let elsewherePort = elsewhere.localAddress?.port else {
                throw TestRegistryError.startFailed(reason: "a listener has no port", logTail: "")
            }
            let server = MisbehavingRegistry(
                mode: mode, host: "127.0.0.1:\(port)", elsewhereHost: "127.0.0.2:\(elsewherePort)",
                unixSocketPath: socketPath, folder: folder, channels: channels, state: state)
            state.configure(
                HostileRoutes(
                    mode: mode, host: server.host, elsewhereHost: server.elsewhereHost, unixSocketPath: socketPath))
            return server
        } catch {
            for channel in channels { try? await channel.close() }
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// Closes every listener and removes the socket's folder.
    public func shutdown() async {
        for channel in channels { try? await channel.close() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    private static func bind(_ listener: Listener, host: String, state: RegistryState) async throws -> any Channel {
        try await bootstrap(listener, state: state).bind(host: host, port: 0).get()
    }

    private static func bootstrap(_ listener: Listener, state: RegistryState) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        MisbehavingHTTPHandler(listener: listener, state: state))
                }
            }
    }
}

/// What the listeners share: the request log, the repository content and the routes.
final class RegistryState: Sendable {
    let log = LockedBox<[MisbehavingRegistry.Request]>([])
    let content = LockedBox(HostileContent())
    private let routesBox = LockedBox<HostileRoutes?>(nil)
    private let snapshot = LockedBox<(tags: [String: [String: Digest]], untrustworthy: [Digest])>(([:], []))

    /// Installs the routes once the ports are known, and the content the mode serves.
    func configure(_ routes: HostileRoutes) {
        let built = routes.buildContent()
        content.withValue { $0 = built.content }
        snapshot.withValue { $0 = (built.content.repositories.mapValues(\.tags), built.untrustworthy) }
        routesBox.withValue { $0 = routes }
    }

    var initialTags: [String: [String: Digest]] { snapshot.withValue { $0.tags } }
    var untrustworthy: [Digest] { snapshot.withValue { $0.untrustworthy } }

    /// Records a request and decides the reply.
    func handle(_ request: MisbehavingRegistry.Request, body: Data) -> HostileReply {
        log.withValue { $0.append(request) }
        guard let routes = routesBox.withValue({ $0 }) else {
            return .text(503, "starting")
        }
        return routes.reply(to: request, body: body, content: content)
    }
}
