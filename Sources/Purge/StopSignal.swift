import Foundation

/// A request to stop a run between chunks of deletions (the ones in flight finish), set from a
/// signal handler or a key press.
///
/// The executor checks it before each chunk and each phase, so the requests in flight finish (a
/// placeholder untag is never cut in half) and what was not started is reported as left undone. Cancelling the
/// task instead would abort the request on the wire.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Asks the run to stop after the items in flight.
    public func request() { lock.withLock { requested = true } }

    /// Clears a previous request, for the next run.
    public func reset() { lock.withLock { requested = false } }

    public var isRequested: Bool { lock.withLock { requested } }
}
