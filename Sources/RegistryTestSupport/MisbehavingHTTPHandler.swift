import Foundation
import NIOCore
import NIOHTTP1

/// An answer of `MisbehavingRegistry`: a status, headers, and a body that may arrive slowly or never end.
struct HostileReply: Sendable {
    enum Body: Sendable {
        /// The whole body at once.
        case bytes(Data)
        /// `chunk` bytes per `interval`, with the full `Content-Length` announced up front.
        case trickle(Data, interval: TimeAmount, chunk: Int)
        /// `chunk` over and over, chunked, until the client goes away or `limit` bytes were sent.
        case endless(chunk: Data, limit: Int)
    }

    var status: Int
    var headers: [(String, String)] = []
    var body: Body = .bytes(Data())

    static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> HostileReply {
        data(Data(text.utf8), status: status, headers: [("Content-Type", "application/json")] + headers)
    }

    static func json(object: Any, status: Int = 200, headers: [(String, String)] = []) -> HostileReply {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return data(body, status: status, headers: [("Content-Type", "application/json")] + headers)
    }

    static func data(_ data: Data, status: Int = 200, headers: [(String, String)] = []) -> HostileReply {
        HostileReply(status: status, headers: headers, body: .bytes(data))
    }

    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HostileReply {
        data(Data(text.utf8), status: status, headers: headers)
    }

    /// A distribution-style error body.
    static func error(
        _ status: Int, code: String, message: String, headers: [(String, String)] = []
    ) -> HostileReply {
        json(object: ["errors": [["code": code, "message": message]]], status: status, headers: headers)
    }
}

/// Collects one request at a time, records it, and writes the reply the routes chose, including
/// slow and endless bodies (which close the connection when done; whole answers keep it alive).
final class MisbehavingHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Uploads in these tests are a few bytes; more is kept out of memory.
    private static let maximumBodySize = 1 << 20

    private let listener: MisbehavingRegistry.Listener
    private let state: RegistryState
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(listener: MisbehavingRegistry.Listener, state: RegistryState) {
        self.listener = listener
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes <= Self.maximumBodySize { body.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = MisbehavingRegistry.Request(
                listener: listener, method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { ($0.name, $0.value) })
            let reply = state.handle(request, body: Data(body.readableBytesView))
            respond(reply, to: head, context: context)
        }
    }

    private func respond(_ reply: HostileReply, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(reply.headers)
        let isHead = request.method == .HEAD
        let keepAlive: Bool
        switch reply.body {
        case .bytes(let data):
            keepAlive = request.isKeepAlive
            headers.replaceOrAdd(name: "Content-Length", value: String(data.count))
        case .trickle(let data, _, _):
            keepAlive = false
            headers.replaceOrAdd(name: "Content-Length", value: String(data.count))
        case .endless:
            keepAlive = false
            headers.remove(name: "Content-Length")
            if !isHead { headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked") }
        }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if isHead {
            finish(context: context, keepAlive: keepAlive)
            return
        }
        switch reply.body {
        case .bytes(let data):
            if !data.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: data)))), promise: nil)
            }
            finish(context: context, keepAlive: keepAlive)
        case .trickle(let data, let interval, let chunk):
            context.flush()
            trickle(Array(data), from: 0, chunk: chunk, every: interval, context: context)
        case .endless(let chunk, let limit):
            context.flush()
            stream(ByteBuffer(bytes: chunk), sent: 0, limit: limit, context: context)
        }
    }

    private func finish(context: ChannelHandlerContext, keepAlive: Bool) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    /// Writes the next `chunk` bytes, then schedules the rest; stops when the client has gone.
    private func trickle(
        _ bytes: [UInt8], from index: Int, chunk: Int, every interval: TimeAmount, context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        guard index < bytes.count else {
            finish(context: context, keepAlive: false)
            return
        }
        let piece = bytes[index..<min(bytes.count, index + chunk)]
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: piece)))), promise: nil)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: interval) {
            let (handler, context) = bound.value
            handler.trickle(bytes, from: index + chunk, chunk: chunk, every: interval, context: context)
        }
    }

    /// Writes `chunk` again as soon as the last write went out, until `limit` or the client closes.
    private func stream(_ chunk: ByteBuffer, sent: Int, limit: Int, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        guard sent < limit else {
            finish(context: context, keepAlive: false)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk)))).whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success: handler.stream(chunk, sent: sent + chunk.readableBytes, limit: limit, context: context)
            case .failure: context.close(promise: nil)
            }
        }
    }
}
