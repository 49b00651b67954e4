import NIOCore
import NIOPosix

/// Small networking helpers on 127.0.0.1: a plain-HTTP liveness probe.
enum Loopback {
    static let host = "127.0.0.1"

    /// Sends `GET path HTTP/1.0` in plain text and returns the status code of the answer, or nil
    /// when nothing answered within `timeout`.
    ///
    /// Plain text even for a TLS registry: Go's TLS server answers a plain request with
    /// `400 Client sent an HTTP request to an HTTPS server`, which proves it is serving without
    /// this target needing a TLS stack.
    static func httpStatus(port: Int, path: String, timeout: TimeAmount = .milliseconds(500)) async -> Int? {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            // Closing the channel ends the read loop below, so a server that accepts and never
            // answers cannot hang the probe.
            let raw = channel.channel
            raw.eventLoop.scheduleTask(in: timeout) { raw.close(promise: nil) }
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\n\r\n"))
                var received = ByteBuffer()
                for try await var chunk in inbound {
                    received.writeBuffer(&chunk)
                    if let status = statusCode(in: received) {
                        return status
                    }
                }
                return statusCode(in: received)
            }
        } catch {
            return nil
        }
    }

    /// The status code of an HTTP status line (`HTTP/1.1 200 OK`) at the start of `buffer`, once
    /// the whole line has arrived.
    private static func statusCode(in buffer: ByteBuffer) -> Int? {
        let text = String(buffer: buffer)
        guard let lineEnd = text.firstIndex(of: "\r\n") ?? text.firstIndex(of: "\n") else { return nil }
        let fields = text[..<lineEnd].split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/") else { return nil }
        return Int(fields[1])
    }
}
