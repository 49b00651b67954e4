import Foundation
import Purge

/// Drives a `PlanScheduler` for the run loop: makes plans one at a time, the newest waiting request
/// next, and hands each result on.
///
/// It lives here rather than with the other effects so that tests can drive it: it does no I/O, and
/// everything it decides is the scheduler's. Callable from any thread; the lock guards the scheduler only,
/// never a plan being made.
public final class PlanRunner: @unchecked Sendable {
    private let lock = NSLock()
    private var scheduler = PlanScheduler()
    private let make: @Sendable (PlanRequest) -> PlanResult

    /// Regex verdicts kept from one plan to the next: a keystroke re-matches only what changed.
    public let memo = PlanMemo()

    /// `make` is the planner (by default with this runner's memo); tests pass one they can hold up.
    public init(make: (@Sendable (PlanRequest) -> PlanResult)? = nil) {
        let memo = self.memo
        self.make = make ?? { $0.make(memo: memo) }
    }

    /// Takes a request. If no plan is being made, makes it here and then every request that came in
    /// meanwhile (only the newest of them waits), handing each to `deliver`; else leaves the request
    /// and returns at once. Blocks for as long as those plans take: call it off the UI loop.
    ///
    /// After `isCancelled` turns true the requests still waiting are skipped, not made, so a quit does
    /// not wait for plans nobody will see.
    public func run(
        _ request: PlanRequest, isCancelled: () -> Bool = { Task.isCancelled }, deliver: (PlanResult) -> Void
    ) {
        var next = lock.withLock { scheduler.submit(request) }
        while let request = next {
            if !isCancelled() { deliver(make(request)) }
            next = lock.withLock { scheduler.finish() }
        }
    }
}
