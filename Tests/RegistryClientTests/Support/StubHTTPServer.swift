import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server on 127.0.0.1 for the misbehaviour a real registry never shows: huge
/// bodies, malformed JSON, `Link` loops. Each request is answered by `route` and recorded.
final class StubHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]

        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: Data = Data()
        /// How long to wait before answering (the event loop is not blocked meanwhile).
        var delay: TimeAmount?

        static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8))
        }
    }

    typealias Route = @Sendable (Request) -> Reply

    let port: Int
    /// `127.0.0.1:PORT`.
    var host: String { "127.0.0.1:\(port)" }

    private let channel: any Channel
    private let log: Locked<[Request]>

    private init(channel: any Channel, port: Int, log: Locked<[Request]>) {
        self.channel = channel
        self.port = port
        self.log = log
    }

    /// Every request answered so far.
    var requests: [Request] { log.current }

    /// Starts a server, runs `body`, and stops the server whatever happens.
    static func with<T>(
        _ route: @escaping Route, isolation: isolated (any Actor)? = #isolation,
        _ body: (StubHTTPServer) async throws -> T
    ) async throws -> T {
        let server = try await start(route)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    static func start(_ route: @escaping Route) async throws -> StubHTTPServer {
        let log = Locked<[Request]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Handler(route: route, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw StubError.noPort
        }
        return StubHTTPServer(channel: channel, port: port, log: log)
    }

    func shutdown() async {
        try? await channel.close()
    }

    /// A loopback port on which nothing listens (it was free a moment ago).
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw StubError.noPort }
        return port
    }

    enum StubError: Error {
        case noPort
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let route: Route
        private let log: Locked<[Request]>
        private var head: HTTPRequestHead?

        init(route: @escaping Route, log: Locked<[Request]>) {
            self.route = route
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
            case .body:
                break
            case .end:
                guard let head else { return }
                self.head = nil
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) })
                log.withLock { $0.append(request) }
                let reply = route(request)
                if let delay = reply.delay {
                    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: delay) {
                        let (handler, context) = bound.value
                        handler.respond(reply, to: head, context: context)
                    }
                } else {
                    respond(reply, to: head, context: context)
                }
            }
        }

        private func respond(_ reply: Reply, to request: HTTPRequestHead, context: ChannelHandlerContext) {
            var headers = HTTPHeaders(reply.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.count))
            headers.replaceOrAdd(name: "Connection", value: "close")
            let head = HTTPResponseHead(
                version: request.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if request.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
            }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
