import Purge

/// A plan to carry out, frozen when the user confirmed it, with the inventory it was made from.
public struct ExecutionRequest: Sendable {
    public var plan: PurgePlan
    public var inventory: Inventory

    public init(plan: PurgePlan, inventory: Inventory) {
        self.plan = plan
        self.inventory = inventory
    }

    /// Tags plus manifests to delete: the number the user confirms.
    public var itemCount: Int { plan.tagCount + plan.manifestCount }
}
