import Foundation
import Purge
import RegistryClient
import Testing

/// Several rules in one plan: the order semantics of a policy file.
@Suite struct RetentionPlannerTests {
    let now = InventoryBuilder.day(27, month: 11, year: 2026)
    static let d = InventoryBuilder.digest

    func rule(
        _ name: String, _ filters: [String], ago: String? = "0d", keep: Int = 0, untagged: Bool = false,
        untaggedOnly: Bool = false
    ) throws -> RetentionRule {
        RetentionRule(
            name: name,
            policy: try PurgePolicy.parse(
                filters: filters, ago: ago, keep: keep, untagged: untagged, untaggedOnly: untaggedOnly))
    }

    func keepRule(_ name: String, _ filters: [String]) throws -> RetentionRule {
        RetentionRule.keep(name, filters: try filters.map { try PurgeFilter($0) })
    }

    func verdict(_ plan: PurgePlan, _ repository: String, tag: String) -> TagVerdict? {
        plan[repository]?.tags.first { $0.tag == tag }
    }

    func verdict(_ plan: PurgePlan, _ repository: String, manifest: Digest) -> ManifestVerdict? {
        plan[repository]?.manifests.first { $0.digest == manifest }
    }

    @Test func aKeepRuleShieldsItsTagsFromALaterDeleteRule() throws {
        var builder = InventoryBuilder()
        builder.image("app", "v1", tags: ["v1.0.0"], created: InventoryBuilder.day(1))
        builder.image("app", "v2", tags: ["v2.0.0", "ci-7"], created: InventoryBuilder.day(2))
        builder.image("app", "ci-1", tags: ["ci-1"], created: InventoryBuilder.day(3))
        let retention = RetentionPolicy(rules: [
            try keepRule("releases", ["app:^v[0-9]+\\.[0-9]+\\.[0-9]+$"]),
            try rule("everything", [".*:.*"], untagged: true),
        ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        #expect(verdict(plan, "app", tag: "v1.0.0")?.reason == .keptByRule(rule: "releases"))
        #expect(verdict(plan, "app", tag: "v1.0.0")?.rule == "releases")
        #expect(verdict(plan, "app", tag: "v2.0.0")?.reason == .keptByRule(rule: "releases"))
        #expect(plan.deletedTagNames == ["app:ci-1", "app:ci-7"])
        #expect(verdict(plan, "app", tag: "ci-1")?.rule == "everything")
        // The release's manifest stays for its kept tag; the CI image goes with its rule's untagged.
        #expect(verdict(plan, "app", manifest: Self.d("app/v2"))?.reason == .stillTagged(tags: ["v2.0.0"]))
        #expect(verdict(plan, "app", manifest: Self.d("app/ci-1"))?.reason == .untagged)
        #expect(verdict(plan, "app", manifest: Self.d("app/ci-1"))?.rule == "everything")
        #expect(plan.manifestCount == 1)
    }

    @Test func protectWinsOverEveryRuleAndHandMarks() throws {
        var builder = InventoryBuilder()
        builder.image("app", "latest", tags: ["latest"], created: InventoryBuilder.day(1))
        builder.image("app", "old", tags: ["old"], created: InventoryBuilder.day(2))
        let retention = RetentionPolicy(
            protect: [try PurgeFilter(".*:^latest$", field: .protect)],
            rules: [try rule("all", ["app:.*"], untagged: true), try keepRule("never-reached", ["app:latest"])])
        let plan = Planner.plan(
            inventory: builder.inventory, retention: retention, now: now,
            marks: [HandMark(repository: "app", tag: "latest", kind: .include)])
        #expect(verdict(plan, "app", tag: "latest")?.reason == .protected(filter: ".*:^latest$"))
        #expect(verdict(plan, "app", tag: "latest")?.rule == nil)
        #expect(
            verdict(plan, "app", tag: "latest")?.explanation(namesRules: true)
                == "kept: protected by the policy's protect .*:^latest$")
        #expect(verdict(plan, "app", manifest: Self.d("app/latest"))?.action == .keep)
        #expect(plan.deletedTagNames == ["app:old"])
    }

    @Test func theFirstRuleThatSelectsATagDecidesItEvenToKeepIt() throws {
        var builder = InventoryBuilder()
        builder.image("app", "ci-old", tags: ["ci-old"], created: InventoryBuilder.day(1, month: 1, year: 2026))
        builder.image("app", "ci-new", tags: ["ci-new"], created: now.addingTimeInterval(-3600))
        builder.image("app", "other", tags: ["other"], created: now.addingTimeInterval(-3600))
        let retention = RetentionPolicy(rules: [
            try rule("ci", ["app:^ci-"], ago: "30d"),
            try rule("sweep", ["app:.*"], ago: "0d"),
        ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        #expect(verdict(plan, "app", tag: "ci-old")?.reason == .matched(filter: "app:^ci-"))
        #expect(verdict(plan, "app", tag: "ci-old")?.rule == "ci")
        // Too new for ci, which decided it: the later, broader rule never sees it.
        #expect(verdict(plan, "app", tag: "ci-new")?.reason == .newerThanCutoff)
        #expect(verdict(plan, "app", tag: "ci-new")?.rule == "ci")
        #expect(verdict(plan, "app", tag: "other")?.rule == "sweep")
        #expect(plan.deletedTagNames == ["app:other", "app:ci-old"])
    }

    @Test func keepIsCountedPerRepositoryAndPerRule() throws {
        var builder = InventoryBuilder()
        for repository in ["a", "b"] {
            for day in 1...4 {
                builder.image(repository, "ci-\(day)", tags: ["ci-\(day)"], created: InventoryBuilder.day(day))
            }
            for day in 5...7 {
                builder.image(
                    repository, "nightly-\(day)", tags: ["nightly-\(day)"], created: InventoryBuilder.day(day))
            }
        }
        let retention = RetentionPolicy(rules: [
            try rule("ci", [".*:^ci-"], keep: 2),
            try rule("nightly", [".*:^nightly-"], keep: 1),
        ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        for repository in ["a", "b"] {
            // The nightlies are newer, yet they do not use up ci's budget.
            #expect(verdict(plan, repository, tag: "ci-4")?.reason == .keptNewest(rank: 1, of: 2))
            #expect(verdict(plan, repository, tag: "ci-3")?.reason == .keptNewest(rank: 2, of: 2))
            #expect(verdict(plan, repository, tag: "ci-3")?.rule == "ci")
            #expect(verdict(plan, repository, tag: "nightly-7")?.reason == .keptNewest(rank: 1, of: 1))
            #expect(verdict(plan, repository, tag: "nightly-7")?.rule == "nightly")
        }
        #expect(
            plan.deletedTagNames == [
                "a:nightly-6", "a:nightly-5", "a:ci-2", "a:ci-1", "b:nightly-6", "b:nightly-5", "b:ci-2", "b:ci-1",
            ])
    }

    @Test func untaggedIsPerRuleAndAManifestGoesOnlyWhenEveryRuleThatTookItsTagsSaysSo() throws {
        var builder = InventoryBuilder()
        builder.image("app", "ci", tags: ["ci-1"], created: InventoryBuilder.day(1))
        builder.image("app", "nightly", tags: ["nightly-1"], created: InventoryBuilder.day(2))
        builder.image("app", "both", tags: ["ci-2", "nightly-2"], created: InventoryBuilder.day(3))
        builder.image("app", "amd64", tags: [], created: InventoryBuilder.day(4))
        builder.index("app", "multi", tags: ["ci-3"], children: ["amd64"])
        let retention = RetentionPolicy(rules: [
            try rule("ci", ["app:^ci-"], untagged: true),
            try rule("nightly", ["app:^nightly-"]),
        ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        #expect(plan.tagCount == 5)
        let ci = try #require(verdict(plan, "app", manifest: Self.d("app/ci")))
        #expect(ci.reason == .untagged && ci.rule == "ci")
        #expect(ci.explanation == "deleted by rule 'ci': no tag points to it once the planned tags are gone")
        let nightly = try #require(verdict(plan, "app", manifest: Self.d("app/nightly")))
        #expect(nightly.reason == .untaggedNotRequested && nightly.rule == "nightly")
        // ci would take it, but nightly removed one of its tags without untagged.
        let both = try #require(verdict(plan, "app", manifest: Self.d("app/both")))
        #expect(both.reason == .untaggedNotRequested && both.rule == "nightly")
        // An index's child goes with the index, under the index's rule.
        let child = try #require(verdict(plan, "app", manifest: Self.d("app/amd64")))
        #expect(child.reason == .childOfDeletedIndex(index: Self.d("app/multi")) && child.rule == "ci")
        #expect(plan.manifestCount == 3)
    }

    @Test func anUntaggedOnlyRuleDecidesNoTagAndKeepsItsNewestUntaggedManifests() throws {
        var builder = InventoryBuilder()
        builder.image("app", "loose-1", tags: [], created: InventoryBuilder.day(1))
        builder.image("app", "loose-2", tags: [], created: InventoryBuilder.day(2))
        builder.image("app", "loose-3", tags: [], created: InventoryBuilder.day(3))
        builder.image("app", "ci", tags: ["ci-1"], created: InventoryBuilder.day(4))
        let retention = RetentionPolicy(rules: [
            try rule("gc", [], ago: nil, keep: 1, untaggedOnly: true),
            try rule("ci", ["app:^ci-"]),
        ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        // The tag falls through the untagged-only rule to the next one.
        #expect(verdict(plan, "app", tag: "ci-1")?.rule == "ci")
        #expect(verdict(plan, "app", tag: "ci-1")?.action == .delete)
        let newest = try #require(verdict(plan, "app", manifest: Self.d("app/loose-3")))
        #expect(newest.reason == .keptNewest(rank: 1, of: 1) && newest.rule == "gc")
        #expect(verdict(plan, "app", manifest: Self.d("app/loose-1"))?.rule == "gc")
        #expect(verdict(plan, "app", manifest: Self.d("app/loose-1"))?.action == .delete)
        // ci has no untagged: its image stays untagged.
        #expect(verdict(plan, "app", manifest: Self.d("app/ci"))?.reason == .untaggedNotRequested)
        #expect(plan.manifestCount == 2)
    }

    @Test func aTagNoRuleSelectsIsKeptAndSaysSo() throws {
        var builder = InventoryBuilder()
        builder.image("app", "x", tags: ["feature-x"], created: InventoryBuilder.day(1))
        builder.image("other", "y", tags: ["ci-1"], created: InventoryBuilder.day(1))
        let retention = RetentionPolicy(rules: [try rule("ci", ["app:^ci-"])])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        let tag = try #require(verdict(plan, "app", tag: "feature-x"))
        #expect(tag.reason == .notMatched && tag.rule == nil)
        #expect(tag.explanation(namesRules: true) == "kept: no rule selects it")
        #expect(plan["other"]?.selected == false)
        #expect(plan.isEmpty)
    }

    @Test func theFlagsAreOneUnnamedRuleAndPlanExactlyAsBefore() throws {
        let policy = try PurgePolicy.parse(
            filters: ["my-app:.*"], ago: "0d", keep: 3, untagged: true, protect: ["my-app:^prod$"])
        let retention = RetentionPolicy(policy)
        #expect(retention.singlePolicy == policy)
        #expect(!retention.namesRules)
        let inventory = InventoryBuilder.article.inventory
        let viaFlags = Planner.plan(inventory: inventory, policy: policy, now: now)
        let viaRules = Planner.plan(inventory: inventory, retention: retention, now: now)
        #expect(viaFlags.policy == policy)
        #expect(viaRules.repositories.map(\.tags) == viaFlags.repositories.map(\.tags))
        #expect(viaRules.repositories.map(\.manifests) == viaFlags.repositories.map(\.manifests))
        #expect(viaFlags.repositories.flatMap(\.tags).allSatisfy { $0.rule == nil })
        #expect(PlanReport.ruleSummary(viaFlags).isEmpty)
    }

    @Test func reportsKeepTheAcrFormatAndNameRulesWhereTheyHaveAReason() throws {
        let retention = RetentionPolicy(
            protect: [try PurgeFilter("my-app:^prod$", field: .protect)],
            rules: [
                try keepRule("stable", ["my-app:^[34]\\."]),
                try rule("rest", ["my-app:.*"], untagged: true),
            ])
        let plan = Planner.plan(inventory: InventoryBuilder.article.inventory, retention: retention, now: now)
        let text = PlanReport.dryRunText(plan)
        #expect(
            text.split(separator: "\n").prefix(5).map(String.init) == [
                PlanReport.dryRunBanner, "This repository would be deleted: my-app", "example.io/my-app:dev",
                "example.io/my-app:2.0.0", "example.io/my-app:1.0.0",
            ])
        #expect(text.hasSuffix("Number of tags to be deleted: 3\nNumber of manifests to be deleted: 2"))
        #expect(
            PlanReport.ruleSummary(plan) == [
                "Per rule, in order, as planned:", "  stable: keeps 2 tags",
                "  rest: deletes 3 tags and 2 manifests, keeps 0 tags",
                "  protect keeps 1 tag; no rule selects 3 tags",
            ])
        let json = try PlanReport.json(plan)
        #expect(json.contains(#""rule" : "stable""#))
        #expect(json.contains(#""detail" : "deleted by rule 'rest': matches my-app:.* and is old enough""#))
        #expect(json.contains(#""name" : "rest""#))
        let explained = PlanReport.explanation(plan, repository: "my-app")
        let row = try #require(explained.first { $0.hasPrefix("  4.0.0 ") })
        #expect(row.contains(" keep ") && row.contains(" stable ") && row.hasSuffix("kept by rule 'stable'"))
        #expect(explained.contains { $0.hasPrefix("  prod ") && $0.contains(" protect ") })
        #expect(explained.last == "3 of 6 tags and 2 of 5 manifests would be deleted.")
    }

    @Test func aRealRunsJSONNamesTheRuleOfEachItem() throws {
        var builder = InventoryBuilder()
        let ci = builder.image("app", "ci-1", tags: ["ci-1"], created: InventoryBuilder.day(1))
        builder.image("app", "nightly-1", tags: ["nightly-1"], created: InventoryBuilder.day(2))
        let retention = RetentionPolicy(rules: [
            try rule("ci", ["app:^ci-"], untagged: true), try rule("nightly", ["app:^nightly-"]),
        ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        let result = ExecutionResult(
            registry: "example.io",
            items: [
                ExecutionItem(repository: "app", target: .manifest(ci), outcome: .deleted),
                ExecutionItem(repository: "app", target: .tag("ci-1"), outcome: .deleted),
                ExecutionItem(repository: "app", target: .tag("nightly-1"), outcome: .failed(error: "boom")),
            ], journalPath: nil, interrupted: false)
        let json = try ResultReport.json(result, plan: plan)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let items = try #require(document["items"] as? [[String: Any]])
        #expect(items.map { $0["rule"] as? String } == ["ci", "ci", "nightly"])
        #expect(items.last?["detail"] as? String == "boom")
        // Without a plan (restore), no rule is said.
        #expect(!(try ResultReport.json(result)).contains("\"rule\""))
    }
}
