import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RegistryClient

/// An Azure Container Registry on 127.0.0.1, in memory, for tests: the `/v2` registry API, ACR's
/// own `/acr/v1` API (times, `changeableAttributes` locks, time-ordered paging with opaque
/// cursors) and its token service (`/oauth2/exchange`, `/oauth2/token`), with ACR's response
/// shapes, status codes, headers and challenges (`docs/acr-wire-format.md` lists the sources).
///
/// Plain HTTP on loopback; bodies and storage are bounded.
///
///     try await AcrEmulator.with { acr in
///         // push with acr.adminCredentials, or log in as AcrEmulator.tokenUsername / acr.refreshToken
///         acr.setAttributes(repository: "app", tag: "1.0", deleteEnabled: false, writeEnabled: nil)
///         #expect(acr.tags(repository: "app")["1.0"] != nil)
///     }
public final class AcrEmulator: Sendable {
    /// Limits and identities.
    public struct Configuration: Sendable {
        /// Lifetime of access tokens (their JWT `exp`; ACR answers no `expires_in`).
        public var accessTokenLifetime: TimeInterval
        /// The admin user (Basic on every route, or at `/oauth2/token`).
        public var adminUsername: String
        public var adminPassword: String
        /// The AAD access token `/oauth2/exchange` accepts.
        public var aadAccessToken: String
        /// Page size of listings when `n` is absent.
        public var defaultPageSize: Int
        /// Larger `n` values are capped to this.
        public var maximumPageSize: Int
        /// Request bodies above this are answered 413.
        public var maximumBodySize: Int
        /// Blobs, manifests and open uploads together stay below this.
        public var maximumStoredBytes: Int
        public var maximumOpenUploads: Int

        public init(
            accessTokenLifetime: TimeInterval = 3600,
            adminUsername: String = "acr-admin",
            adminPassword: String = "acr-ADMIN-pw-" + UUID().uuidString.prefix(8).lowercased(),
            aadAccessToken: String = AcrEmulator.fakeAADAccessToken,
            defaultPageSize: Int = 100,
            maximumPageSize: Int = 1000,
            maximumBodySize: Int = 32 << 20,
            maximumStoredBytes: Int = 512 << 20,
            maximumOpenUploads: Int = 1000
        ) {
            self.accessTokenLifetime = accessTokenLifetime
            self.adminUsername = adminUsername
            self.adminPassword = adminPassword
            self.aadAccessToken = aadAccessToken
            self.defaultPageSize = defaultPageSize
            self.maximumPageSize = maximumPageSize
            self.maximumBodySize = maximumBodySize
            self.maximumStoredBytes = maximumStoredBytes
            self.maximumOpenUploads = maximumOpenUploads
        }
    }

    /// One request as answered: never credentials, tokens or bodies.
    public struct Request: Sendable, Hashable, CustomStringConvertible {
        public var method: String
        /// The percent-decoded path.
        public var path: String
        /// Query parameters (first value of each name), decoded.
        public var query: [String: String]
        public var status: Int

        public var description: String { "\(method) \(path) → \(status)" }
    }

    /// The username ACR pairs with a refresh token (`az acr login --expose-token`'s username).
    public static let tokenUsername = "00000000-0000-0000-0000-000000000000"
    /// The AAD access token `/oauth2/exchange` accepts by default.
    public static let fakeAADAccessToken = "fake-aad-access-token-for-acr-emulator"
    /// ACR's answer to a write or delete a lock refuses: 405 with this code and message.
    public static let disallowedCode = "REGISTRY_DISALLOWED_OPERATION"
    public static let disallowedMessage =
        "The operation is disallowed on this registry, repository or image. View troubleshooting steps at "
        + "https://aka.ms/acr/faq/#why-does-my-pull-or-push-request-fail-with-disallowed-operation"

    /// `127.0.0.1:PORT`: what `regsweep -r` gets; also the token `service` and the `registry` field.
    public let host: String
    public let configuration: Configuration

    private let routes: AcrEmulatorRoutes
    private let server: LoopbackHTTPServer

    private init(host: String, configuration: Configuration, routes: AcrEmulatorRoutes, server: LoopbackHTTPServer) {
        self.host = host
        self.configuration = configuration
        self.routes = routes
        self.server = server
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://\(host)") ?? URL(fileURLWithPath: "/") }

    /// The endpoint a `RegistryClient` uses for this emulator (plain HTTP).
    public var endpoint: RegistryEndpoint { RegistryEndpoint(name: host, scheme: "http") }

    /// The refresh token: the password for `tokenUsername`, and the `identitytoken` Docker's
    /// `config.json` keeps after `az acr login`.
    public var refreshToken: String { routes.auth.refreshToken }
    public var adminUsername: String { configuration.adminUsername }
    public var adminPassword: String { configuration.adminPassword }

    /// The admin user, as `RegistryClient` credentials.
    public var adminCredentials: Credentials { .basic(username: adminUsername, password: adminPassword) }
    /// `tokenUsername` with the refresh token as password (what `docker login` stores for ACR).
    public var tokenCredentials: Credentials { .basic(username: Self.tokenUsername, password: refreshToken) }

    // MARK: - Lifecycle

    /// Starts an emulator, runs `body`, and stops it whatever happens.
    public static func with<T>(
        _ configuration: Configuration = Configuration(), isolation: isolated (any Actor)? = #isolation,
        _ body: (AcrEmulator) async throws -> T
    ) async throws -> T {
        let emulator = try await start(configuration)
        do {
            let result = try await body(emulator)
            await emulator.stop()
            return result
        } catch {
            await emulator.stop()
            throw error
        }
    }

    /// Starts listening on 127.0.0.1 at a free port. Prefer `with`, which always stops it.
    public static func start(_ configuration: Configuration = Configuration()) async throws -> AcrEmulator {
        // The routes need the bound port (it is ACR's `service`), and the server needs the routes.
        let slot = LockedBox<AcrEmulatorRoutes?>(nil)
        let server = try await LoopbackHTTPServer.bind(
            notReady: { TestRegistryError.startFailed(reason: "ACR emulator not ready", logTail: "") },
            handler: { slot.withValue { $0 }.map { AcrEmulatorHTTPHandler(routes: $0) } })
        let port = server.port
        let host = "\(Loopback.host):\(port)"
        let auth = AcrEmulatorAuth(
            service: host, adminUsername: configuration.adminUsername, adminPassword: configuration.adminPassword,
            accessTokenLifetime: configuration.accessTokenLifetime)
        let routes = AcrEmulatorRoutes(configuration: configuration, host: host, auth: auth)
        slot.withValue { $0 = routes }
        return AcrEmulator(host: host, configuration: configuration, routes: routes, server: server)
    }

    /// Stops listening and closes open connections. Idempotent.
    public func stop() async { await server.stop() }

    // MARK: - Auth

    /// Every access token handed out so far now gets 401 (a token expiring mid-run).
    public func revokeAccessTokens() {
        routes.auth.revokeAccessTokens()
    }

    /// An access token for `scopes` (`repository:app:pull,delete`, `registry:catalog:*`), as
    /// `/oauth2/token` would hand out; `lifetime` overrides the configured one (negative: expired).
    public func mintAccessToken(scopes: [String], lifetime: TimeInterval? = nil) throws -> String {
        try routes.auth.issueAccessToken(scopes.compactMap(TokenIssuer.Access.init(scope:)), lifetime: lifetime)
    }

    // MARK: - Arranging and inspecting state

    /// Every request answered so far, in order.
    public func requests() -> [Request] {
        routes.log.withValue { $0 }
    }

    /// Repositories holding at least one manifest, sorted.
    public func repositories() -> [String] {
        routes.store.withValue { $0.repositories.filter { !$0.value.manifests.isEmpty }.keys.sorted() }
    }

    /// What `repository`'s tags point at now.
    public func tags(repository: String) -> [String: Digest] {
        routes.store.withValue { $0.repositories[repository]?.tags.mapValues(\.digest) ?? [:] }
    }

    /// Every manifest stored in `repository`, tagged or not.
    public func manifestDigests(repository: String) -> Set<Digest> {
        routes.store.withValue { Set($0.repositories[repository]?.manifests.keys.map { $0 } ?? []) }
    }

    /// Sets a tag's `createdTime` and `lastUpdateTime`. No effect when the tag does not exist.
    public func setTimes(repository: String, tag: String, created: Date, lastUpdated: Date) {
        routes.store.withValue { state in
            state.repositories[repository]?.tags[tag]?.created = created
            state.repositories[repository]?.tags[tag]?.lastUpdated = lastUpdated
        }
    }

    /// Sets a manifest's `createdTime` and `lastUpdateTime`.
    public func setManifestTimes(repository: String, digest: Digest, created: Date, lastUpdated: Date) {
        routes.store.withValue { state in
            state.repositories[repository]?.manifests[digest]?.created = created
            state.repositories[repository]?.manifests[digest]?.lastUpdated = lastUpdated
        }
    }

    /// Sets a tag's locks; nil leaves an attribute as it is.
    public func setAttributes(repository: String, tag: String, deleteEnabled: Bool?, writeEnabled: Bool?) {
        routes.store.withValue { state in
            if let deleteEnabled { state.repositories[repository]?.tags[tag]?.attributes.deleteEnabled = deleteEnabled }
            if let writeEnabled { state.repositories[repository]?.tags[tag]?.attributes.writeEnabled = writeEnabled }
        }
    }

    /// Sets a manifest's locks; nil leaves an attribute as it is.
    public func setManifestAttributes(repository: String, digest: Digest, deleteEnabled: Bool?, writeEnabled: Bool?) {
        routes.store.withValue { state in
            if let deleteEnabled {
                state.repositories[repository]?.manifests[digest]?.attributes.deleteEnabled = deleteEnabled
            }
            if let writeEnabled {
                state.repositories[repository]?.manifests[digest]?.attributes.writeEnabled = writeEnabled
            }
        }
    }

    /// A tag's `(deleteEnabled, writeEnabled)`, or nil when the tag does not exist.
    public func attributes(repository: String, tag: String) -> (deleteEnabled: Bool, writeEnabled: Bool)? {
        routes.store.withValue { state in
            state.repositories[repository]?.tags[tag].map { ($0.attributes.deleteEnabled, $0.attributes.writeEnabled) }
        }
    }

    /// A manifest's `(deleteEnabled, writeEnabled)`, or nil when it does not exist.
    public func manifestAttributes(repository: String, digest: Digest) -> (deleteEnabled: Bool, writeEnabled: Bool)? {
        routes.store.withValue { state in
            state.repositories[repository]?.manifests[digest].map {
                ($0.attributes.deleteEnabled, $0.attributes.writeEnabled)
            }
        }
    }
}
