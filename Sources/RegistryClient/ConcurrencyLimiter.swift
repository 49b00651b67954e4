/// A counting semaphore for async code: at most `limit` bodies run at once.
///
/// One limiter is shared by every request a client makes, so `--concurrency` bounds the load on the
/// registry no matter how many listings and deletions run in parallel.
public actor ConcurrencyLimiter {
    public let limit: Int
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once a slot is free.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            running -= 1
        } else {
            // Hand the slot straight to the next waiter; `running` stays the same.
            waiters.removeFirst().resume()
        }
    }
}
