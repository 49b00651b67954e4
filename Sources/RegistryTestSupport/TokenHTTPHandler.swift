import Foundation
import NIOCore
import NIOHTTP1

/// Collects one HTTP request at a time and answers it with `TokenIssuer.handle`.
final class TokenHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Token requests are a few hundred bytes; anything much larger is a mistake, not a request.
    private static let maximumBodySize = 64 * 1024

    private let issuer: TokenIssuer
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(issuer: TokenIssuer) {
        self.issuer = issuer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes <= Self.maximumBodySize {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let reply = issuer.handle(
                method: head.method.rawValue,
                uri: head.uri,
                authorization: head.headers.first(name: "Authorization"),
                body: Data(body.readableBytesView)
            )
            respond(reply, keepAlive: head.isKeepAlive, version: head.version, context: context)
        }
    }

    private func respond(
        _ reply: TokenIssuer.Reply, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders(reply.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.count))
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        }
        let head = HTTPResponseHead(
            version: version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive {
                channel.close(promise: nil)
            }
        }
    }
}
