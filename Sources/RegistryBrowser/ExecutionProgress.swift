import Foundation
import Purge

/// A running deletion as the progress bar shows it.
public struct ExecutionProgress: Sendable {
    public var total: Int
    public var started: Date
    public var deleted = 0
    public var skipped = 0
    public var failed = 0
    /// The repository being re-checked or deleted in.
    public var repository: String?
    /// The last item done, as a `Deleted …` line.
    public var lastLine: String?
    /// Repositories stopped early, with why.
    public var stops: [String] = []
    /// Whether the user asked to stop; the executor stops after the current item.
    public var stopRequested = false

    public init(total: Int, started: Date) {
        self.total = total
        self.started = started
    }

    /// Items done, whatever their outcome.
    public var done: Int { deleted + skipped + failed }

    /// Items per second since the start.
    public func rate(now: Date) -> Double {
        let elapsed = now.timeIntervalSince(started)
        return elapsed > 0.05 ? Double(done) / elapsed : 0
    }
}
