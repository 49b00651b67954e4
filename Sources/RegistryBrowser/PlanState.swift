/// The plan on screen and the newest one asked for. Planning runs off the UI loop, so the two differ
/// while a plan is being made; the screen keeps the one it has and says it is planning.
public struct PlanState: Sendable {
    /// The plan the screen shows and a deletion would carry out.
    public private(set) var current: PlanResult
    /// The generation of the newest request.
    public private(set) var requested: Int

    public init(_ initial: PlanResult) {
        current = initial
        requested = initial.generation
    }

    /// Whether a newer plan than the one shown has been asked for and not arrived yet.
    public var isPlanning: Bool { current.generation < requested }

    /// Numbers a new request after every earlier one.
    mutating func nextGeneration() -> Int {
        requested += 1
        return requested
    }

    /// Shows a result unless the screen already has a newer one; returns whether it did.
    ///
    /// Results can arrive out of order (the run loop may drop or reorder superseded work), so a late
    /// answer to an older request is ignored. A result older than the newest request but newer than
    /// the one shown is taken: it is a whole plan of an earlier state, and while keystrokes or loads
    /// keep coming it lets the screen follow instead of waiting for them to stop.
    @discardableResult
    mutating func receive(_ result: PlanResult) -> Bool {
        guard result.generation > current.generation, result.generation <= requested else { return false }
        current = result
        return true
    }
}
