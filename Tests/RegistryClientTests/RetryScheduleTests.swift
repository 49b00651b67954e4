import Testing

@testable import RegistryClient

@Suite("Retry schedule: one request's retries")
struct RetryScheduleTests {
    static let policy = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50), deadline: .seconds(60))

    @Test("transport failures are retried until the attempts run out")
    func attempts() {
        var schedule = RetrySchedule(policy: Self.policy, method: "GET")
        let reset = RegistryError(.unreachable, "reset")
        #expect((1...3).allSatisfy { _ in schedule.retry(after: reset) != nil })
        #expect(schedule.retry(after: reset) == nil, "four attempts in all")
    }

    @Test("a timeout is tried once more, not until the deadline")
    func timeouts() {
        var schedule = RetrySchedule(policy: Self.policy, method: "GET")
        let slow = RegistryError(.timeout, "slow")
        #expect(schedule.retry(after: slow) != nil)
        #expect(schedule.retry(after: slow) == nil)
    }

    @Test("a POST is retried on 429 and 503, not on 500 or a dropped connection")
    func methods() {
        var schedule = RetrySchedule(policy: Self.policy, method: "POST")
        #expect(schedule.retry(afterStatus: 500, retryAfter: nil) == nil)
        #expect(schedule.retry(after: RegistryError(.unreachable, "reset")) == nil)
        #expect(schedule.retry(afterStatus: 429, retryAfter: "0") == .zero)
        #expect(schedule.retry(afterStatus: 503, retryAfter: nil) != nil)
        #expect(schedule.retry(afterStatus: 404, retryAfter: nil) == nil)
    }

    @Test("no retry starts whose wait would end past the request's deadline; Retry-After is capped")
    func deadline() {
        let policy = RetryPolicy(maxAttempts: 10, maxDelay: .seconds(30), deadline: .seconds(5))
        let start = ContinuousClock.now
        var schedule = RetrySchedule(policy: policy, method: "GET", started: start)
        #expect(schedule.retry(afterStatus: 429, retryAfter: "1e300", now: start) == nil, "a 30 s wait ends past 5 s")
        #expect(schedule.retry(afterStatus: 429, retryAfter: "2", now: start) == .seconds(2))
        #expect(schedule.retry(afterStatus: 429, retryAfter: "2", now: start + .seconds(4)) == nil)
    }

    @Test("cancellation and refusals are never retried")
    func neverRetried() {
        var schedule = RetrySchedule(policy: Self.policy, method: "GET")
        for kind in [RegistryError.Kind.cancelled, .refused, .digestMismatch, .unauthorized] {
            #expect(schedule.retry(after: RegistryError(kind, "no")) == nil, "\(kind)")
        }
    }
}
