import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RegistryClient

/// One client connection of a `FaultProxy`: collects each request, decides its fault, and either
/// answers itself or forwards it over this connection's own upstream connection.
///
/// Everything runs on the client channel's event loop (the upstream connection is made on the
/// same loop), so the handler's state needs no lock.
final class FaultProxyServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Where the answer to the request in flight stands.
    private enum Exchange {
        /// Streaming the upstream's answer through (possibly with a wrong digest header).
        case streaming(keepAlive: Bool)
        /// Collecting the whole answer, to send half of its body.
        case truncating(head: HTTPResponseHead?, body: ByteBuffer)
        /// Waiting for the upstream's head, to reset the connection then.
        case resetting(afterHead: Bool)
    }

    private let core: FaultProxyCore
    private var context: ChannelHandlerContext?
    private var requestHead: HTTPRequestHead?
    private var requestBody = ByteBuffer()
    private var upstream: (channel: any Channel, handler: FaultProxyUpstreamHandler)?
    private var exchange: Exchange?
    private var fault: FaultKind?
    private var retryAfter = 0
    private var scheduled: Scheduled<Void>?
    private var closing = false

    init(core: FaultProxyCore) {
        self.core = core
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead = head
            requestBody.clear()
        case .body(var chunk):
            requestBody.writeBuffer(&chunk)
        case .end:
            guard let head = requestHead else { return }
            requestHead = nil
            let decision = core.decide(method: head.method.rawValue, uri: head.uri)
            let fault = decision.fault
            retryAfter = decision.retryAfter ?? 0
            let body = requestBody
            let delay = core.options.delay
            if delay > .zero {
                scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
                    self.scheduled = nil
                    self.handle(head: head, body: body, fault: fault)
                }
            } else {
                handle(head: head, body: body, fault: fault)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        scheduled?.cancel()
        scheduled = nil
        dropUpstream()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeClient(reset: false)
    }

    // MARK: - Deciding

    private func handle(head: HTTPRequestHead, body: ByteBuffer, fault: FaultKind?) {
        guard !closing else { return }
        self.fault = fault
        switch fault {
        case .rateLimited, .internalServerError, .badGateway, .serviceUnavailable:
            answer(head: head, fault: fault)
        case .stall:
            guard let context else { return }
            scheduled = context.eventLoop.assumeIsolated().scheduleTask(
                in: TimeAmount(core.options.stallDuration)
            ) {
                self.scheduled = nil
                self.closeClient(reset: false)
            }
        case .resetBeforeHead: forward(head: head, body: body, then: .resetting(afterHead: false))
        case .resetAfterHead: forward(head: head, body: body, then: .resetting(afterHead: true))
        case .truncatedBody: forward(head: head, body: body, then: .truncating(head: nil, body: ByteBuffer()))
        case .wrongDigest, nil: forward(head: head, body: body, then: .streaming(keepAlive: head.isKeepAlive))
        }
    }

    /// Answers with an injected error status and a distribution-style body; the upstream never
    /// sees the request.
    private func answer(head: HTTPRequestHead, fault: FaultKind?) {
        guard let context, let status = fault?.injectedStatus else { return }
        let code =
            switch status {
            case 429: "TOOMANYREQUESTS"
            case 503: "UNAVAILABLE"
            default: "UNKNOWN"
            }
        let message = "injected by the fault proxy (\(fault?.description ?? "?"))"
        let text = "{\"errors\":[{\"code\":\"\(code)\",\"message\":\"\(message)\",\"detail\":null}]}"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Docker-Distribution-Api-Version", value: "registry/2.0")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        if status == 429 { headers.add(name: "Retry-After", value: String(retryAfter)) }
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let response = HTTPResponseHead(
            version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { self.closeClient(reset: false) }
        }
    }

    // MARK: - Forwarding

    private func forward(head: HTTPRequestHead, body: ByteBuffer, then exchange: Exchange) {
        withUpstream { result in
            guard !self.closing else { return }
            switch result {
            case .failure(let error):
                self.core.countUpstreamFailure()
                self.answerUnreachable(head: head, error: error)
            case .success(let upstream):
                self.exchange = exchange
                let channel = upstream.channel
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if body.readableBytes > 0 {
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
                }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
    }

    /// The connection's upstream channel, connected on first use and again after the upstream
    /// closed an idle one.
    private func withUpstream(
        _ body: @escaping (Result<(channel: any Channel, handler: FaultProxyUpstreamHandler), any Error>) -> Void
    ) {
        if let upstream, upstream.channel.isActive {
            body(.success(upstream))
            return
        }
        dropUpstream()
        guard let context else { return }
        let loop = context.eventLoop
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(FaultProxyUpstreamHandler())
                }
            }
            .connect(host: core.upstreamHost, port: core.upstreamPort)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .failure(let error): body(.failure(error))
                case .success(let channel):
                    do {
                        let handler = try channel.pipeline.syncOperations.handler(type: FaultProxyUpstreamHandler.self)
                        handler.onPart = { [weak self] part in self?.upstreamPart(part) }
                        handler.onInactive = { [weak self] in self?.upstreamClosed(channel) }
                        if self.closing {
                            channel.close(promise: nil)
                            return
                        }
                        self.upstream = (channel, handler)
                        body(.success((channel, handler)))
                    } catch {
                        channel.close(promise: nil)
                        body(.failure(error))
                    }
                }
            }
    }

    private func upstreamPart(_ part: HTTPClientResponsePart) {
        guard let context, let exchange, !closing else { return }
        switch (exchange, part) {
        case (.resetting(let afterHead), .head(let head)):
            self.exchange = nil
            if afterHead {
                context.writeAndFlush(wrapOutboundOut(.head(head))).assumeIsolated().whenComplete { _ in
                    self.closeClient(reset: false)
                }
            } else {
                closeClient(reset: true)
            }
        case (.resetting, _):
            break
        case (.truncating(_, let body), .head(let head)):
            self.exchange = .truncating(head: head, body: body)
        case (.truncating(let head, var body), .body(var chunk)):
            body.writeBuffer(&chunk)
            self.exchange = .truncating(head: head, body: body)
        case (.truncating(let head, var body), .end):
            self.exchange = nil
            guard var head else { return }
            head.headers.remove(name: "Transfer-Encoding")
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            let half = body.readSlice(length: body.readableBytes / 2) ?? ByteBuffer()
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(half)))).assumeIsolated().whenComplete { _ in
                self.closeClient(reset: false)
            }
        case (.streaming, .head(var head)):
            if fault == .wrongDigest {
                let real = head.headers.first(name: "Docker-Content-Digest") ?? ""
                let other = Digest.sha256(of: Data("regsweep-fault-proxy:\(real)".utf8))
                head.headers.replaceOrAdd(name: "Docker-Content-Digest", value: other.description)
            }
            if case .streaming(let keepAlive) = exchange {
                self.exchange = .streaming(keepAlive: keepAlive && head.isKeepAlive)
            }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        case (.streaming, .body(let chunk)):
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        case (.streaming(let keepAlive), .end(let trailers)):
            self.exchange = nil
            context.writeAndFlush(wrapOutboundOut(.end(trailers))).assumeIsolated().whenComplete { _ in
                if !keepAlive { self.closeClient(reset: false) }
            }
        }
    }

    /// The upstream closed its connection: mid-answer that is a reset the client must see too.
    private func upstreamClosed(_ channel: any Channel) {
        guard let upstream, upstream.channel === channel else { return }
        self.upstream = nil
        if exchange != nil {
            exchange = nil
            closeClient(reset: false)
        }
    }

    private func answerUnreachable(head: HTTPRequestHead, error: any Error) {
        guard let context else { return }
        let text = "fault proxy: cannot reach the upstream: \(error)"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .badGateway, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            self.closeClient(reset: false)
        }
    }

    // MARK: - Closing

    private func dropUpstream() {
        guard let upstream else { return }
        self.upstream = nil
        upstream.handler.onPart = nil
        upstream.handler.onInactive = nil
        upstream.channel.close(promise: nil)
    }

    /// Closes the client connection and its upstream; with `reset`, with a TCP RST (SO_LINGER 0),
    /// as a crashed or overloaded server would, rather than an orderly FIN.
    private func closeClient(reset: Bool) {
        guard !closing, let context else { return }
        closing = true
        exchange = nil
        scheduled?.cancel()
        scheduled = nil
        dropUpstream()
        let channel = context.channel
        if reset, let provider = channel as? any SocketOptionProvider {
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

}

/// The proxy's side of one upstream connection: hands every response part to the client's handler.
final class FaultProxyUpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    var onPart: ((HTTPClientResponsePart) -> Void)?
    var onInactive: (() -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onPart?(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        let callback = onInactive
        onPart = nil
        onInactive = nil
        callback?()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
