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
}
