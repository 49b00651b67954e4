import Foundation

/// When and how long to wait before trying a request again.
public struct RetryPolicy: Sendable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// How long one request may take with all its attempts and waits: no retry starts whose wait
    /// would end past it, so a flaky registry slows a run down but never stalls it.
    public var deadline: Duration

    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(30),
        deadline: Duration = .seconds(300)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(baseDelay, .zero)
        self.maxDelay = max(maxDelay, .zero)
        self.deadline = max(deadline, .zero)
    }

    /// Attempts that may time out before a request gives up, whatever `maxAttempts` says.
    public static let maxTimeouts = 2

    /// No retries (for tests of error paths).
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether a response status is worth retrying for `method`. A 429 or 503 means the request was
    /// not processed, so any method may try again; 500/502/504 may come after the work was done,
    /// so only requests that are safe to repeat retry them.
    public static func isRetryable(status: Int, method: String = "GET") -> Bool {
        switch status {
        case 429, 503: return true
        case 500, 502, 504: return isIdempotent(method)
        default: return false
        }
    }

    /// Whether a transport failure is worth retrying: the connection failed, was reset or closed
    /// (also in the middle of a body), or timed out. Only for requests that are safe to repeat.
    public static func isRetryable(_ error: RegistryError, method: String = "GET") -> Bool {
        switch error.kind {
        case .unreachable, .timeout: return isIdempotent(method)
        default: return false
        }
    }

    /// GET, HEAD, PUT, DELETE and OPTIONS may be repeated without changing the outcome (RFC 9110 §9.2.2).
    public static func isIdempotent(_ method: String) -> Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method)
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): the server's `Retry-After`
    /// when it sent one (capped at `maxDelay`), else exponential backoff with full jitter so that
    /// many clients hitting one limit do not come back in lockstep.
    public func delay(afterAttempt attempt: Int, retryAfter: String?, now: Date = Date()) -> Duration {
        let capMillis = Int64(maxDelay / .milliseconds(1))
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter, now: now) {
            // Compared in Double before any conversion: a huge value cannot trap, it is the cap.
            return .milliseconds(seconds * 1000 < Double(capMillis) ? Int64((seconds * 1000).rounded()) : capMillis)
        }
        let exponent = max(0, min(attempt - 1, 16))
        let ceilingMillis = max(1, min(Int64(baseDelay / .milliseconds(1)) << exponent, capMillis))
        return .milliseconds(Int64.random(in: ceilingMillis / 2...ceilingMillis))
    }

    /// `Retry-After` is either delta-seconds or an HTTP date. Huge numbers and far dates saturate
    /// (`1e300` cannot trap later arithmetic); nil for negative numbers and anything else.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        if let seconds = Double(trimmed) {
            // A negative wait or NaN is not a Retry-After; infinity and 1e300 are "a long time".
            guard !seconds.isNaN, seconds >= 0 else { return nil }
            return min(seconds, maxRetryAfter)
        }
        guard let date = httpDate(trimmed) else { return nil }
        let seconds = date.timeIntervalSince(now)
        guard seconds.isFinite else { return nil }
        return min(max(seconds, 0), maxRetryAfter)
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7), parsed by hand: ASCII
    /// only, fixed fields, plain arithmetic. Foundation's DateFormatter traps on some non-ASCII
    /// input, and a header is outside data.
    static func httpDate(_ text: String) -> Date? {
        guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[0].count == 4, fields[0].hasSuffix(","), fields[5] == "GMT",
            let day = Int(fields[1]), (1...31).contains(day),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(fields[2])).map({ $0 + 1 }),
            fields[3].count == 4, let year = Int(fields[3]), (1...9999).contains(year)
        else { return nil }
        let time = fields[4].split(separator: ":")
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }), let hour = Int(time[0]), let minute = Int(time[1]),
            let second = Int(time[2]), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// The most any `Retry-After` is taken to mean (a thousand years): only a bound that keeps the
    /// arithmetic finite. Waits are capped far lower by `maxDelay`.
    static let maxRetryAfter: Double = 31_536_000_000
}
