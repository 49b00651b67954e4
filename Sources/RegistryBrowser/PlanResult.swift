import Purge

/// A plan made off the UI loop, with what it was made from and the totals the screen shows.
public struct PlanResult: Sendable {
    /// The generation of the request this answers.
    public var generation: Int
    public var plan: PurgePlan
    /// The inventory the plan was made from: a confirmed deletion carries this one, not what loaded since.
    public var inventory: Inventory
    /// The hand marks the plan was made with.
    public var marks: [HandMark]
    public var totals: PlanTotals

    public init(generation: Int, plan: PurgePlan, inventory: Inventory, marks: [HandMark], totals: PlanTotals) {
        self.generation = generation
        self.plan = plan
        self.inventory = inventory
        self.marks = marks
        self.totals = totals
    }
}
