import Foundation
import RegistryClient
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    /// 2015-10-21 07:28:00 UTC, the date in RFC 9110's Retry-After example.
    let now = Date(timeIntervalSince1970: 1_445_412_480)

    @Test("Retry-After in delta-seconds", arguments: [("120", 120.0), ("0", 0), (" 5 ", 5), ("1.5", 1.5)])
    func seconds(value: String, expected: Double) {
        #expect(RetryPolicy.parseRetryAfter(value, now: now) == expected)
    }

    @Test("Retry-After as an HTTP date counts from now")
    func httpDate() {
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 08:28:00 GMT", now: now) == 3600)
    }

    @Test("an HTTP date in the past means now, not a negative wait")
    func pastDate() {
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)
    }

    @Test("garbage and negative values are not a Retry-After", arguments: ["", "soon", "-3", "21 Oct 2015"])
    func garbage(value: String) {
        #expect(RetryPolicy.parseRetryAfter(value, now: now) == nil)
    }

    @Test("the server's Retry-After is the delay, capped at maxDelay")
    func retryAfterDelay() {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(200), maxDelay: .seconds(30))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "2", now: now) == .seconds(2))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "0.25", now: now) == .milliseconds(250))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "3600", now: now) == .seconds(30))
        #expect(
            policy.delay(afterAttempt: 1, retryAfter: "Wed, 21 Oct 2015 07:28:10 GMT", now: now) == .seconds(10))
    }

    @Test("without Retry-After: exponential backoff with jitter between half the ceiling and the ceiling")
    func backoffBounds() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(200), maxDelay: .seconds(5))
        for _ in 0..<200 {
            let first = policy.delay(afterAttempt: 1, retryAfter: nil)
            #expect(first >= .milliseconds(100) && first <= .milliseconds(200))
            let third = policy.delay(afterAttempt: 3, retryAfter: "not a value")
            #expect(third >= .milliseconds(400) && third <= .milliseconds(800))
            let late = policy.delay(afterAttempt: 40, retryAfter: nil)
            #expect(late >= .milliseconds(2500) && late <= .seconds(5))
        }
    }

    @Test("the jitter actually varies")
    func jitterVaries() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .seconds(1), maxDelay: .seconds(30))
        let delays = Set((0..<50).map { _ in policy.delay(afterAttempt: 2, retryAfter: nil) })
        #expect(delays.count > 5)
    }

    @Test("429 and transient 5xx are retried; client errors are not")
    func retryableStatuses() {
        for status in [429, 500, 502, 503, 504] { #expect(RetryPolicy.isRetryable(status: status), "\(status)") }
        for status in [200, 202, 400, 401, 403, 404, 405, 501] {
            #expect(!RetryPolicy.isRetryable(status: status), "\(status)")
        }
        #expect(RetryPolicy.isRetryable(RegistryError(.unreachable, "down")))
        #expect(RetryPolicy.isRetryable(RegistryError(.timeout, "slow")))
        #expect(!RetryPolicy.isRetryable(RegistryError(.tls, "bad certificate")))
        #expect(!RetryPolicy.isRetryable(RegistryError(.tooLarge, "huge")))
    }

    @Test("at least one attempt, whatever the caller asks")
    func attemptsAtLeastOne() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy.never.maxAttempts == 1)
    }
}

@Suite("Retry policy against hostile values")
struct RetryPolicyHostileTests {
    let now = Date(timeIntervalSince1970: 1_445_412_480)

    @Test(
        "huge and infinite Retry-After values saturate instead of trapping",
        arguments: ["1e300", "inf", "99999999999999999999"])
    func huge(value: String) throws {
        let policy = RetryPolicy(maxDelay: .seconds(30))
        let parsed = try #require(RetryPolicy.parseRetryAfter(value, now: now))
        #expect(parsed.isFinite && parsed >= 86_400)
        #expect(policy.delay(afterAttempt: 1, retryAfter: value, now: now) == .seconds(30))
    }

    @Test("a date far in the future is capped too")
    func farDate() {
        let policy = RetryPolicy(maxDelay: .milliseconds(200))
        #expect(
            policy.delay(afterAttempt: 1, retryAfter: "Fri, 31 Dec 9999 23:59:59 GMT", now: now) == .milliseconds(200))
    }

    @Test("a non-ASCII near-date is not a date, and does not trap Foundation's formatter")
    func nonASCIIDate() {
        #expect(RetryPolicy.parseRetryAfter("Ẃd, 21 Oct 2015 07:.8:00 G.T00 G.T00 G.T00 G.T00 G.T", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.parseRetryAfter("Wed, 29 Feb 2016 00:00:00 GMT", now: now) != nil)
    }

    @Test("NaN is not a Retry-After; the backoff applies")
    func nan() {
        #expect(RetryPolicy.parseRetryAfter("nan", now: now) == nil)
        let delay = RetryPolicy(baseDelay: .milliseconds(100)).delay(afterAttempt: 1, retryAfter: "nan", now: now)
        #expect(delay >= .milliseconds(50) && delay <= .milliseconds(100))
    }

    @Test("only requests safe to repeat retry transport failures and ambiguous 5xx")
    func idempotency() {
        let reset = RegistryError(.unreachable, "reset")
        for method in ["GET", "HEAD", "PUT", "DELETE"] {
            #expect(RetryPolicy.isRetryable(reset, method: method), "\(method)")
            #expect(RetryPolicy.isRetryable(status: 502, method: method), "\(method)")
        }
        #expect(!RetryPolicy.isRetryable(reset, method: "POST"))
        #expect(!RetryPolicy.isRetryable(status: 500, method: "POST"))
        #expect(RetryPolicy.isRetryable(status: 429, method: "POST"))
        #expect(RetryPolicy.isRetryable(status: 503, method: "POST"))
    }
}
