import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 listener on a free loopback port, for the test servers that answer in-process
/// (the token issuer, the ACR emulator). Their handlers need the bound port (it goes into realms
/// and `service` names), so `bind` takes a closure that makes a connection's handler and returns
/// nil until the caller has built what it needs; a connection that races start-up is refused.
/// Open connections are tracked, because closing the listener alone leaves them open.
final class LoopbackHTTPServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let connections: LockedBox<[ObjectIdentifier: any Channel]>

    private init(port: Int, channel: any Channel, connections: LockedBox<[ObjectIdentifier: any Channel]>) {
        self.port = port
        self.channel = channel
        self.connections = connections
    }

    /// Listens on `Loopback.host`; `handler` makes each connection's handler, or nil while not ready
    /// (then `notReady` is the error the connection is closed with).
    static func bind(
        notReady: @escaping @Sendable () -> any Error,
        handler: @escaping @Sendable () -> (any ChannelHandler)?
    ) async throws -> LoopbackHTTPServer {
        let connections = LockedBox<[ObjectIdentifier: any Channel]>([:])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let made = handler() else { throw notReady() }
                    let id = ObjectIdentifier(channel)
                    connections.withValue { $0[id] = channel }
                    channel.closeFuture.whenComplete { _ in connections.withValue { _ = $0.removeValue(forKey: id) } }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(made)
                }
            }
            .bind(to: SocketAddress(ipAddress: Loopback.host, port: 0)).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw notReady()
        }
        return LoopbackHTTPServer(port: port, channel: channel, connections: connections)
    }

    /// Stops listening and closes open connections. Idempotent.
    func stop() async {
        try? await channel.close()
        for connection in connections.withValue({ Array($0.values) }) {
            try? await connection.close()
        }
    }
}
