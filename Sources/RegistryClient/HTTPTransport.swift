import Foundation

/// One HTTP request as the client sends it.
public struct HTTPRequestData: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: Data?
    /// The largest response body the caller accepts; bigger bodies fail with `.tooLarge`.
    public var maxResponseBytes: Int

    public init(
        method: String = "GET", url: URL, headers: [(String, String)] = [], body: Data? = nil,
        maxResponseBytes: Int = 16 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.maxResponseBytes = maxResponseBytes
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HeaderName.equal($0.0, name) }?.1
    }
}

/// One HTTP response as the transport returns it.
public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HeaderName.equal($0.0, name) }?.1
    }

    /// Every value of a header, compared case-insensitively.
    public func headers(named name: String) -> [String] {
        headers.filter { HeaderName.equal($0.0, name) }.map(\.1)
    }
}

/// Header names are ASCII tokens (RFC 9110), compared without regard to ASCII case. On bytes: the
/// `caseInsensitiveCompare` of Foundation bridged both strings to `NSString` for every header of
/// every response (perf, a warm load: a few percent of its CPU).
enum HeaderName {
    static func equal(_ left: String, _ right: String) -> Bool {
        left.utf8.count == right.utf8.count
            && zip(left.utf8, right.utf8).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}

/// The client's only door to the network: sends one request, follows no redirects.
///
/// Redirects, auth and retries are the client's business, so that it can drop credentials when a
/// redirect leaves the registry's host. Implementations throw `RegistryError` for transport
/// failures (unreachable, TLS, timeout, body too large).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData
}
