import Foundation
import NIOCore
import NIOHTTP1

/// Collects one request at a time (body capped; the excess is dropped and answered 413), asks
/// `AcrEmulatorRoutes` for the answer and writes it, keeping the connection alive when the client did.
final class AcrEmulatorHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: AcrEmulatorRoutes
    private let maximumBodySize: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var bodyTooLarge = false

    init(routes: AcrEmulatorRoutes) {
        self.routes = routes
        self.maximumBodySize = routes.configuration.maximumBodySize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            bodyTooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes <= maximumBodySize {
                body.writeBuffer(&chunk)
            } else {
                bodyTooLarge = true
                body.clear()
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = AcrEmulatorIncoming(
                method: head.method.rawValue, uri: head.uri, authorization: head.headers.first(name: "Authorization"),
                contentType: head.headers.first(name: "Content-Type"), body: Data(body.readableBytesView),
                bodyTooLarge: bodyTooLarge)
            body.clear()
            respond(routes.handle(request), to: head, context: context)
        }
    }

    private func respond(_ reply: AcrEmulatorReply, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(reply.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.count))
        // After a body we did not read in full, the connection's framing is still fine (NIO read it
        // all), but a client that sent that much is better told to start over.
        let keepAlive = request.isKeepAlive && !bodyTooLarge
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD && !reply.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
