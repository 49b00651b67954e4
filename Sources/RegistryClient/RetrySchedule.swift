/// The retry decisions of one request, pure: told how each attempt went, it answers whether to try
/// again and after what wait. Both the registry path and token requests drive one, so attempts,
/// timeouts and the deadline are counted the same way everywhere.
struct RetrySchedule: Sendable {
    let policy: RetryPolicy
    let method: String
    let started: ContinuousClock.Instant
    private(set) var failures = 0
    private(set) var timeouts = 0

    init(policy: RetryPolicy, method: String, started: ContinuousClock.Instant = .now) {
        self.policy = policy
        self.method = method
        self.started = started
    }

    /// The wait before trying again after a transport failure, or nil to give up. A request that
    /// timed out tends to time out again: it is tried once more, not until the deadline, so that
    /// `--timeout` keeps meaning roughly how long a request may take.
    mutating func retry(after error: RegistryError, now: ContinuousClock.Instant = .now) -> Duration? {
        guard RetryPolicy.isRetryable(error, method: method) else { return nil }
        if error.kind == .timeout { timeouts += 1 }
        guard timeouts < RetryPolicy.maxTimeouts else { return nil }
        return next(retryAfter: nil, now: now)
    }

    /// The wait before trying again after an answer with `status`, or nil to take the answer.
    mutating func retry(
        afterStatus status: Int, retryAfter: String?, now: ContinuousClock.Instant = .now
    )
        -> Duration?
    {
        guard RetryPolicy.isRetryable(status: status, method: method) else { return nil }
        return next(retryAfter: retryAfter, now: now)
    }

    private mutating func next(retryAfter: String?, now: ContinuousClock.Instant) -> Duration? {
        failures += 1
        let delay = policy.delay(afterAttempt: failures, retryAfter: retryAfter)
        guard failures < policy.maxAttempts, started.duration(to: now) + delay < policy.deadline else { return nil }
        return delay
    }
}

extension HTTPTransport {
    /// Sends a request that is safe to repeat outside the registry path's `send` (token requests,
    /// the API probe that goes without credentials), retried as a GET would be.
    func sendRetrying(_ request: HTTPRequestData, policy: RetryPolicy) async throws -> HTTPResponseData {
        var schedule = RetrySchedule(policy: policy, method: "GET")
        while true {
            let delay: Duration
            do {
                let response = try await send(request)
                guard
                    let wait = schedule.retry(afterStatus: response.status, retryAfter: response.header("Retry-After"))
                else { return response }
                delay = wait
            } catch {
                guard let wait = schedule.retry(after: error) else { throw error }
                delay = wait
            }
            try await Task.sleep(for: delay)
        }
    }
}
