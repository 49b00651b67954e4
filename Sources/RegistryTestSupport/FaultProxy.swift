import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 reverse proxy on 127.0.0.1 in front of a plain-HTTP upstream (a `TestRegistry`),
/// which spoils a seeded random share of the requests it forwards.
///
/// Each request is forwarded as the client sent it (method, URI, headers, body), with `Host`
/// untouched, so distribution builds `Location` and `Link` URLs that point back at the proxy. The
/// answer streams back unchanged, except that with probability `Options.faultRate`, drawn from a
/// `SeededGenerator`, one `FaultKind` from `Options.kinds` is injected instead. Two draws are made
/// per request whatever happens, so the n-th request of a run always gets the same decision for a
/// given seed and sequence of methods.
///
/// Each client connection gets its own upstream connection, so keep-alive on one side is
/// keep-alive on the other and a reset on one side is a reset on the other.
///
/// ```swift
/// try await FaultProxy.with(upstream: registry.host, options: .init(faultRate: 0.1, seed: 7)) { proxy in
///     // point a client at proxy.host …
///     print(proxy.statistics)
/// }
/// ```
public final class FaultProxy: Sendable {
    /// What to spoil, how often, and how to slow things down.
    public struct Options: Sendable {
        /// The probability, from 0 to 1, that a request gets a fault.
        public var faultRate: Double
        /// The generator's seed: the same seed and request sequence give the same faults.
        public var seed: UInt64
        /// The kinds to draw from, uniformly among those that apply to the request's method;
        /// listing a kind twice doubles its weight.
        public var kinds: [FaultKind]
        /// Only requests with these methods get faults (nil: every method).
        public var methods: Set<String>?
        /// A delay added before every request is handled, faulted or not (to slow a run down).
        public var delay: Duration
        /// How long a `stall` holds a request before closing the connection.
        public var stallDuration: Duration
        /// The `Retry-After` seconds sent with an injected `429`: drawn from this range with the
        /// request's own draw, so it repeats with the seed too.
        public var retryAfterSeconds: ClosedRange<Int>

        public init(
            faultRate: Double = 0, seed: UInt64 = 1, kinds: [FaultKind] = FaultKind.allCases,
            methods: Set<String>? = nil, delay: Duration = .zero, stallDuration: Duration = .seconds(2),
            retryAfterSeconds: ClosedRange<Int> = 0...1
        ) {
            self.faultRate = min(1, max(0, faultRate))
            self.seed = seed
            self.kinds = kinds
            self.methods = methods
            self.delay = delay
            self.stallDuration = stallDuration
            self.retryAfterSeconds = max(0, retryAfterSeconds.lowerBound)...max(0, retryAfterSeconds.upperBound)
        }
    }

    /// One request the proxy handled, in arrival order.
    public struct Entry: Sendable, Equatable {
        /// 0 for the first request.
        public var index: Int
        public var method: String
        public var uri: String
        /// The fault injected, or nil when the request was forwarded faithfully.
        public var fault: FaultKind?
        /// The `Retry-After` seconds sent with an injected `429`.
        public var retryAfter: Int?
    }

    /// Counts of what the proxy did.
    public struct Statistics: Sendable, Equatable, CustomStringConvertible {
        /// Requests handled (complete requests only).
        public var requests = 0
        /// Requests by method.
        public var requestsByMethod: [String: Int] = [:]
        /// Faults injected, by kind.
        public var faults: [FaultKind: Int] = [:]
        /// Faults injected, by request method.
        public var faultsByMethod: [String: Int] = [:]
        /// Requests forwarded whose upstream could not be reached (answered `502`, not a fault).
        public var upstreamFailures = 0

        public init() {}

        /// Faults injected in total.
        public var faultCount: Int { faults.values.reduce(0, +) }

        /// `requests 812 (DELETE 40, GET 300, HEAD 472); faults 80: 429×9 500×8 …; faulted GET 30 HEAD 50`.
        public var description: String {
            let methods = requestsByMethod.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            let kinds = faults.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
            let faulted = faultsByMethod.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            var text = "requests \(requests) (\(methods.joined(separator: ", "))); faults \(faultCount)"
            if !kinds.isEmpty { text += ": " + kinds.joined(separator: " ") }
            if !faulted.isEmpty { text += "; faulted " + faulted.joined(separator: " ") }
            if upstreamFailures > 0 { text += "; upstream unreachable \(upstreamFailures)" }
            return text
        }

        /// The counts of `self` minus those of `earlier` (what happened since `earlier` was taken).
        public func since(_ earlier: Statistics) -> Statistics {
            var result = Statistics()
            result.requests = requests - earlier.requests
            result.upstreamFailures = upstreamFailures - earlier.upstreamFailures
            for (method, count) in requestsByMethod where count != earlier.requestsByMethod[method] ?? 0 {
                result.requestsByMethod[method] = count - (earlier.requestsByMethod[method] ?? 0)
            }
            for (kind, count) in faults where count != earlier.faults[kind] ?? 0 {
                result.faults[kind] = count - (earlier.faults[kind] ?? 0)
            }
            for (method, count) in faultsByMethod where count != earlier.faultsByMethod[method] ?? 0 {
                result.faultsByMethod[method] = count - (earlier.faultsByMethod[method] ?? 0)
            }
            return result
        }
    }

    /// `127.0.0.1:PORT`, the proxy as clients name it (pass it as the registry host).
    public let host: String
    /// The port the proxy listens on.
    public let port: Int
    /// The upstream's `HOST:PORT`.
    public let upstream: String
    /// The options the proxy was started with.
    public var options: Options { core.options }

    private let core: FaultProxyCore
    private let serverChannel: any Channel

    private init(host: String, port: Int, upstream: String, core: FaultProxyCore, serverChannel: any Channel) {
        self.host = host
        self.port = port
        self.upstream = upstream
        self.core = core
        self.serverChannel = serverChannel
    }

    /// What the proxy has done so far.
    public var statistics: Statistics { core.statistics }

    /// Every request handled so far, in arrival order.
    public var entries: [Entry] { core.entries }

    /// The fault (or nil) of every request so far, in arrival order.
    public var faultSequence: [FaultKind?] { core.entries.map(\.fault) }

    /// Starts a proxy in front of `upstream` (`HOST:PORT`, plain HTTP), runs `body` with it, and
    /// shuts it down afterwards, also when `body` throws.
    public static func with<T>(
        upstream: String, options: Options = Options(), isolation: isolated (any Actor)? = #isolation,
        _ body: (FaultProxy) async throws -> T
    ) async throws -> T {
        let proxy = try await start(upstream: upstream, options: options)
        let result: T
        do {
            result = try await body(proxy)
        } catch {
            await proxy.shutdown()
            throw error
        }
        await proxy.shutdown()
        return result
    }

    /// Starts a proxy in front of `registry` (plain HTTP modes only), as `with(upstream:)` does.
    public static func with<T>(
        _ registry: TestRegistry, options: Options = Options(), isolation: isolated (any Actor)? = #isolation,
        _ body: (FaultProxy) async throws -> T
    ) async throws -> T {
        guard !registry.mode.usesTLS else {
            throw TestRegistryError.startFailed(reason: "FaultProxy speaks plain HTTP only", logTail: "")
        }
        return try await with(upstream: registry.host, options: options, body)
    }

    /// Starts a proxy that the caller must `shutdown()`. Prefer `with`, which cannot forget to.
    public static func start(upstream: String, options: Options = Options()) async throws -> FaultProxy {
        guard let colon = upstream.lastIndex(of: ":"), let upstreamPort = Int(upstream[upstream.index(after: colon)...])
        else {
            throw TestRegistryError.startFailed(reason: "upstream '\(upstream)' is not HOST:PORT", logTail: "")
        }
        let upstreamHost = String(upstream[..<colon])
        let core = FaultProxyCore(options: options, upstreamHost: upstreamHost, upstreamPort: upstreamPort)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    core.track(channel)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FaultProxyServerHandler(core: core))
                }
            }
            .bind(to: SocketAddress(ipAddress: Loopback.host, port: 0)).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw TestRegistryError.startFailed(reason: "the fault proxy has no local port", logTail: "")
        }
        return FaultProxy(
            host: "\(Loopback.host):\(port)", port: port, upstream: upstream, core: core, serverChannel: channel)
    }

    /// Stops listening and closes every connection (stalled ones too). Idempotent.
    public func shutdown() async {
        try? await serverChannel.close()
        for connection in core.openConnections() {
            try? await connection.close()
        }
    }
}

/// The state every connection of one proxy shares: options, the generator, the counts.
final class FaultProxyCore: Sendable {
    private struct State {
        var generator: SeededGenerator
        var statistics = FaultProxy.Statistics()
        var entries: [FaultProxy.Entry] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    let options: FaultProxy.Options
    let upstreamHost: String
    let upstreamPort: Int
    private let state: LockedBox<State>

    init(options: FaultProxy.Options, upstreamHost: String, upstreamPort: Int) {
        self.options = options
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        state = LockedBox(State(generator: SeededGenerator(seed: options.seed)))
    }

    var statistics: FaultProxy.Statistics { state.withValue { $0.statistics } }
    var entries: [FaultProxy.Entry] { state.withValue { $0.entries } }

    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withValue { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [state] _ in state.withValue { _ = $0.connections.removeValue(forKey: id) } }
    }

    func openConnections() -> [any Channel] {
        state.withValue { Array($0.connections.values) }
    }

    /// Counts one request and decides its fault.
    func decide(method: String, uri: String) -> FaultProxy.Entry {
        state.withValue { state in
            // Always two draws, so that one request's decision never shifts the next one's.
            let roll = state.generator.nextUnit()
            let pick = state.generator.next()
            var fault: FaultKind?
            if options.methods?.contains(method) ?? true {
                let candidates = options.kinds.filter { $0.applies(to: method) }
                if !candidates.isEmpty, roll < options.faultRate {
                    fault = candidates[Int(pick % UInt64(candidates.count))]
                }
            }
            state.statistics.requests += 1
            state.statistics.requestsByMethod[method, default: 0] += 1
            if let fault {
                state.statistics.faults[fault, default: 0] += 1
                state.statistics.faultsByMethod[method, default: 0] += 1
            }
            let range = options.retryAfterSeconds
            let retryAfter =
                fault == .rateLimited ? range.lowerBound + Int((pick >> 32) % UInt64(range.count)) : nil
            let entry = FaultProxy.Entry(
                index: state.entries.count, method: method, uri: uri, fault: fault, retryAfter: retryAfter)
            state.entries.append(entry)
            return entry
        }
    }

    func countUpstreamFailure() {
        state.withValue { $0.statistics.upstreamFailures += 1 }
    }
}
