/// Decides which plan request runs when: at most one is made at a time and at most one waits, and a
/// newer request replaces the waiting one.
///
/// A pure state machine (the shape of async-http-client's pool state machines): the run loop's driver
/// asks it what to start and tells it what finished. Ten keystrokes at 100,000 tags then make two
/// plans on a 2-core machine, not ten, and the last one answers the last keystroke.
public struct PlanScheduler: Sendable {
    /// The generation being made, if any.
    public private(set) var running: Int?
    /// The request that waits for the running one to finish.
    public private(set) var pending: PlanRequest?

    public init() {}

    /// Takes a request; returns it when it may start now, nil when it waits (replacing an older waiter).
    public mutating func submit(_ request: PlanRequest) -> PlanRequest? {
        guard running == nil else {
            // Older requests than the newest are never worth making: nobody will show them.
            if pending.map({ $0.generation < request.generation }) ?? true { pending = request }
            return nil
        }
        running = request.generation
        return request
    }

    /// The running request finished; returns the waiting one, which starts now, if any.
    public mutating func finish() -> PlanRequest? {
        guard let next = pending else {
            running = nil
            return nil
        }
        pending = nil
        running = next.generation
        return next
    }
}
