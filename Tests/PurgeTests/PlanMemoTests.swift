import Foundation
import Purge
import RegistryClient
import Testing

/// The memo the browser re-plans with: the same plans as without it, keystroke after keystroke,
/// and only a bounded number of patterns remembered.
@Suite struct PlanMemoTests {
    let now = InventoryBuilder.day(27, month: 11, year: 2026)

    static var inventory: Inventory {
        var builder = InventoryBuilder.article
        builder.image("my-app", "rc", tags: ["5.0.0-rc1", "latest"], created: InventoryBuilder.day(20))
        builder.image("another-app", "nightly", tags: ["nightly-3"], created: InventoryBuilder.day(21))
        return builder.inventory
    }

    func same(_ a: PurgePlan, _ b: PurgePlan) -> Bool {
        a.repositories.map(\.tags) == b.repositories.map(\.tags)
            && a.repositories.map(\.manifests) == b.repositories.map(\.manifests)
    }

    @Test func typingWithAMemoPlansExactlyAsWithout() throws {
        let memo = PlanMemo()
        // A session: the filter typed character by character (invalid prefixes are never planned),
        // then --ago and --keep edited, then a protect filter added, then the filter changed back.
        let filter = "my-app:^((?!prod|dev).)*$"
        var policies = (1...filter.count).compactMap { length in
            try? PurgePolicy.parse(filters: [String(filter.prefix(length))], ago: "0d", untagged: true)
        }
        for ago in ["1d", "10d", "0d"] { policies.append(try PurgePolicy.parse(filters: [filter], ago: ago)) }
        for keep in [1, 2, 0] { policies.append(try PurgePolicy.parse(filters: [filter], ago: "0d", keep: keep)) }
        policies.append(try PurgePolicy.parse(filters: [filter], ago: "0d", protect: ["my-app:^4"]))
        policies.append(try PurgePolicy.parse(filters: [".*:.*"], ago: "0d", untagged: true))
        policies.append(try PurgePolicy.parse(filters: [filter, ".*:^nightly-"], ago: "0d"))
        #expect(policies.count > 12)
        var deletedSomething = false
        for policy in policies {
            let remembered = Planner.plan(inventory: Self.inventory, policy: policy, now: now, memo: memo)
            let fresh = Planner.plan(inventory: Self.inventory, policy: policy, now: now)
            #expect(same(remembered, fresh), "\(policy.filters.map(\.text))")
            deletedSomething = deletedSomething || !remembered.isEmpty
        }
        #expect(deletedSomething, "the session plans deletions, so the comparison means something")
    }

    @Test func onlyTheMostRecentPatternsAreKept() throws {
        let memo = PlanMemo(capacity: 3)
        for suffix in ["a", "b", "c", "d", "e"] {
            let policy = try PurgePolicy.parse(filters: ["my-app:\(suffix)"], ago: "0d")
            _ = Planner.plan(inventory: Self.inventory, policy: policy, now: now, memo: memo)
        }
        #expect(memo.patternCount == 3)
    }

    /// The same repository, built afresh: nothing the planner worked out for the old value comes along.
    static func rebuilt(_ inventory: Inventory) -> Inventory {
        Inventory(
            registry: inventory.registry,
            repositories: inventory.repositories.map { old in
                var fresh = RepositoryInventory(
                    name: old.name, tags: old.tags, referrerTags: old.referrerTags, manifests: old.manifests,
                    problems: old.problems)
                fresh.leftovers = old.leftovers
                fresh.api = old.api
                fresh.tagTimes = old.tagTimes
                fresh.tagLocks = old.tagLocks
                return fresh
            })
    }

    /// The planner keeps what it works out of a repository with the repository value between
    /// plans; a value changed afterwards must be planned as it is now, and the copy planned
    /// before must still plan as it did.
    @Test func aRepositoryChangedAfterAPlanIsPlannedAsItIsNow() throws {
        let policy = try PurgePolicy.parse(filters: ["my-app:^((?!prod|dev).)*$"], ago: "30d", untagged: true)
        var inventory = Self.inventory
        let original = inventory
        let first = Planner.plan(inventory: original, policy: policy, now: now)
        let going = try #require(first["my-app"]?.manifestsToDelete.first?.digest)
        let goingTags = try #require(first["my-app"]?.tagsToDelete.map(\.tag))
        try #require(goingTags.count >= 2)
        let changes: [(String, (inout RepositoryInventory) -> Void)] = [
            ("a kept tag pushed onto a planned manifest", { $0.tags["prod-2"] = going }),
            ("a planned manifest gone", { $0.manifests[going] = nil }),
            (
                "a planned tag given its own, recent time",
                { $0.tagTimes[goingTags[0]] = TagTime(date: now, source: .vendor) }
            ),
            (
                "a planned tag locked",
                { $0.tagLocks[goingTags[1]] = LockState(deleteEnabled: false, writeEnabled: true) }
            ),
        ]
        for (what, change) in changes {
            let position = try #require(inventory.repositories.firstIndex { $0.name == "my-app" })
            let before = Planner.plan(inventory: inventory, policy: policy, now: now)
            change(&inventory.repositories[position])
            let planned = Planner.plan(inventory: inventory, policy: policy, now: now)
            let fresh = Planner.plan(inventory: Self.rebuilt(inventory), policy: policy, now: now)
            #expect(same(planned, fresh), "\(what): planned from what the repository was")
            #expect(!same(planned, before), "\(what) changes the plan, so the comparison means something")
        }
        #expect(same(Planner.plan(inventory: original, policy: policy, now: now), first))
    }
}
