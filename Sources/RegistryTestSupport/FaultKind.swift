/// One way `FaultProxy` can spoil a request.
///
/// Injected answers (`429`, `5xx`) and stalls never reach the upstream, so the request did not take
/// effect; the reset and body kinds are forwarded first, so the upstream *did* act on the request
/// and only its answer is lost or spoiled: the case a client must not mistake for "not done".
public enum FaultKind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// `429 Too Many Requests` with `Retry-After` (`FaultProxy.Options.retryAfterSeconds`).
    case rateLimited = "429"
    /// `500` with a distribution-style JSON error body.
    case internalServerError = "500"
    /// `502` with a distribution-style JSON error body.
    case badGateway = "502"
    /// `503` with a distribution-style JSON error body.
    case serviceUnavailable = "503"
    /// The request is forwarded; when the upstream's head arrives the connection is reset (TCP RST)
    /// without a byte of the answer.
    case resetBeforeHead = "reset-before-head"
    /// The request is forwarded; the upstream's head is sent, then the connection is closed before
    /// the body. GET only: a bodiless answer (HEAD, 201, 202) would arrive complete.
    case resetAfterHead = "reset-after-head"
    /// The request is held for `FaultProxy.Options.stallDuration` without being forwarded, then the
    /// connection is closed: with a stall longer than the client's timeout, a timeout.
    case stall
    /// The request is forwarded; the head is sent with the full `Content-Length` but only the first
    /// half of the body, then the connection is closed. GET only, like `resetAfterHead`.
    case truncatedBody = "truncated-body"
    /// The request is forwarded and the real body sent, under a `Docker-Content-Digest` of other
    /// bytes. GET only: the body is the evidence against the header. On a HEAD the header is all
    /// there is, so a wrong one is indistinguishable from a moved tag: a lying registry, not a fault.
    case wrongDigest = "wrong-digest"

    /// Whether this kind can be injected into a request with `method` (see the kinds' notes).
    public func applies(to method: String) -> Bool {
        switch self {
        case .resetAfterHead, .truncatedBody, .wrongDigest: return method == "GET"
        default: return true
        }
    }

    /// The HTTP status of an injected answer, for the kinds that answer instead of forwarding.
    public var injectedStatus: Int? {
        switch self {
        case .rateLimited: return 429
        case .internalServerError: return 500
        case .badGateway: return 502
        case .serviceUnavailable: return 503
        default: return nil
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool {
        let order = allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }
}
