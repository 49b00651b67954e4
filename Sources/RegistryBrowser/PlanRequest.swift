import Foundation
import Purge

/// What one plan is made from, frozen when `update` asked for it.
///
/// Planning takes seconds at 100,000 tags, so the model does not plan: it sends this out as a
/// command, the run loop makes the plan off the UI loop, and the result comes back as a message.
public struct PlanRequest: Sendable {
    /// Counts up with every request; the model shows a result only if it is newer than the one shown.
    public var generation: Int
    public var inventory: Inventory
    public var retention: RetentionPolicy
    public var now: Date
    public var marks: [HandMark]

    public init(generation: Int, inventory: Inventory, retention: RetentionPolicy, now: Date, marks: [HandMark]) {
        self.generation = generation
        self.inventory = inventory
        self.retention = retention
        self.now = now
        self.marks = marks
    }

    /// Makes the plan and its totals. Pure, and slow on large inventories: never call it on the UI loop.
    /// `memo` carries regex verdicts between the plans of one session.
    public func make(memo: PlanMemo? = nil) -> PlanResult {
        let plan = Planner.plan(inventory: inventory, retention: retention, now: now, marks: marks, memo: memo)
        return PlanResult(
            generation: generation, plan: plan, inventory: inventory, marks: marks,
            totals: PlanTotals(plan: plan, inventory: inventory))
    }
}
