import Foundation
import Purge
import RegistryClient
import Testing

@Suite struct ArticleScenarioPlannerTests {
    let now = InventoryBuilder.day(27, month: 11, year: 2026)

    func plan(_ filters: [String], ago: String = "0d", keep: Int = 0, untagged: Bool = false) throws -> PurgePlan {
        let policy = try PurgePolicy.parse(filters: filters, ago: ago, keep: keep, untagged: untagged)
        return Planner.plan(inventory: InventoryBuilder.article.inventory, policy: policy, now: now)
    }

    /// The five commands of the article, with the counts it prints.
    @Test(arguments: [
        (["another-app:2.0.0"], false, 0, 1, 0),
        (["my-app:^((?!prod|dev).)*$"], true, 0, 4, 3),
        ([".*:^((?!prod|dev).)*$"], true, 0, 6, 4),
        ([".*:.*"], true, 0, 9, 7),
        (["my-app:.*"], true, 3, 3, 3),
    ])
    func countsMatchTheArticle(filters: [String], untagged: Bool, keep: Int, tags: Int, manifests: Int) throws {
        let plan = try plan(filters, keep: keep, untagged: untagged)
        #expect(plan.tagCount == tags)
        #expect(plan.manifestCount == manifests)
    }

    @Test func tagsAreNewestFirstWithTiesByName() throws {
        let plan = try plan([".*:.*"], untagged: true)
        #expect(
            plan.deletedTagNames == [
                "another-app:2.0.0", "another-app:dev", "another-app:1.0.0", "my-app:4.0.0", "my-app:dev",
                "my-app:3.0.0", "my-app:prod", "my-app:2.0.0", "my-app:1.0.0",
            ])
    }

    @Test func keepSparesTheNewestEligibleTags() throws {
        let plan = try plan(["my-app:.*"], keep: 3, untagged: true)
        #expect(plan.deletedTagNames == ["my-app:prod", "my-app:2.0.0", "my-app:1.0.0"])
        #expect(plan.reason("my-app", tag: "4.0.0") == .keptNewest(rank: 1, of: 3))
        #expect(plan.reason("my-app", tag: "dev") == .keptNewest(rank: 2, of: 3))
        #expect(plan.reason("my-app", tag: "3.0.0") == .keptNewest(rank: 3, of: 3))
    }

    @Test func siblingTagKeepsTheSharedManifest() throws {
        let plan = try plan(["my-app:^((?!prod|dev).)*$"], untagged: true)
        let m4 = InventoryBuilder.digest("my-app/m4")
        #expect(plan.reason("my-app", manifest: m4) == .stillTagged(tags: ["dev"]))
        #expect(plan.reason("my-app", tag: "prod") == .notMatched)
    }

    @Test func withoutUntaggedManifestsStayAndSayWhy() throws {
        let plan = try plan(["another-app:2.0.0"])
        #expect(plan.manifestCount == 0)
        let a2 = InventoryBuilder.digest("another-app/a2")
        #expect(plan.reason("another-app", manifest: a2) == .stillTagged(tags: ["dev"]))
        let text = PlanReport.dryRunText(plan)
        #expect(!text.contains("Manifests for this repository"))
        #expect(text.hasSuffix("Number of tags to be deleted: 1\nNumber of manifests to be deleted: 0"))
    }

    @Test func repositoriesNotMatchedAreUntouched() throws {
        let plan = try plan(["my-app:.*"], untagged: true)
        #expect(plan["another-app"]?.selected == false)
        #expect(plan["another-app"]?.tags.allSatisfy { $0.reason == .notMatched } == true)
        #expect(plan["another-app"]?.manifests.allSatisfy { $0.action == .keep } == true)
    }

    @Test func dryRunTextHasTheArticleStructure() throws {
        let plan = try plan(["my-app:^((?!prod|dev).)*$"], untagged: true)
        let lines = PlanReport.dryRunText(plan).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        #expect(lines[0] == PlanReport.dryRunBanner)
        #expect(lines[1] == "This repository would be deleted: my-app")
        #expect(Array(lines[2...5]) == ["4.0.0", "3.0.0", "2.0.0", "1.0.0"].map { "example.io/my-app:\($0)" })
        #expect(lines[6] == "Manifests for this repository would be deleted: my-app")
        let digests = lines[7...9].map { String($0.dropFirst("example.io/my-app@".count)) }
        #expect(digests == digests.sorted())
        #expect(lines[10] == "")
        #expect(lines[11] == "Number of tags to be deleted: 4")
        #expect(lines[12] == "Number of manifests to be deleted: 3")
    }
}

@Suite struct PlannerRuleTests {
    let now = InventoryBuilder.day(27, month: 11, year: 2026)

    @Test func keepTiesAreBrokenByNameAscending() throws {
        var builder = InventoryBuilder()
        let same = InventoryBuilder.day(1, month: 1, year: 2024)
        for name in ["c", "a", "b", "d"] { builder.image("r", name, tags: [name], created: same) }
        let policy = try PurgePolicy.parse(filters: ["r:.*"], ago: "0d", keep: 2)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        #expect(plan.reason("r", tag: "a") == .keptNewest(rank: 1, of: 2))
        #expect(plan.reason("r", tag: "b") == .keptNewest(rank: 2, of: 2))
        #expect(plan.deletedTagNames == ["r:c", "r:d"])
    }

    @Test func keepBudgetIsSharedByAllFilters() throws {
        var builder = InventoryBuilder()
        builder.image("r", "x1", tags: ["x1"], created: InventoryBuilder.day(1))
        builder.image("r", "y1", tags: ["y1"], created: InventoryBuilder.day(2))
        builder.image("r", "x2", tags: ["x2"], created: InventoryBuilder.day(3))
        let policy = try PurgePolicy.parse(filters: ["r:^x", "r:^y"], ago: "0d", keep: 1)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        #expect(plan.deletedTagNames == ["r:y1", "r:x1"])
    }

    @Test func unknownAndImplausibleAgesAreKeptWhenAgoIsAboveZero() throws {
        var builder = InventoryBuilder()
        builder.image("r", "old", tags: ["old"], created: InventoryBuilder.day(1, year: 2020))
        builder.image("r", "epoch", tags: ["epoch"], created: Date(timeIntervalSince1970: 0))
        builder.image("r", "nodate", tags: ["nodate"], created: nil)
        builder.image("r", "fresh", tags: ["fresh"], created: now.addingTimeInterval(-3600))
        let policy = try PurgePolicy.parse(filters: ["r:.*"], ago: "30d")
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        #expect(plan.deletedTagNames == ["r:old"])
        #expect(plan.reason("r", tag: "epoch") == .ageUnknown)
        #expect(plan.reason("r", tag: "nodate") == .ageUnknown)
        #expect(plan.reason("r", tag: "fresh") == .newerThanCutoff)
        #expect(plan["r"]?.tags.first { $0.tag == "epoch" }?.time.source == .implausible)
        // With --ago 0d age is not consulted at all.
        let all = Planner.plan(
            inventory: builder.inventory, policy: try PurgePolicy.parse(filters: ["r:.*"], ago: "0d"), now: now)
        #expect(all.tagCount == 4)
    }

    @Test func protectBeatsFiltersAndHandMarks() throws {
        var builder = InventoryBuilder()
        builder.image("r", "a", tags: ["release-1"], created: InventoryBuilder.day(1))
        builder.image("r", "b", tags: ["build-1"], created: InventoryBuilder.day(2))
        let policy = try PurgePolicy.parse(filters: ["r:.*"], ago: "0d", protect: ["r:^release-"])
        let plan = Planner.plan(
            inventory: builder.inventory, policy: policy, now: now,
            marks: [HandMark(repository: "r", tag: "release-1", kind: .include)])
        #expect(plan.reason("r", tag: "release-1") == .protected(filter: "r:^release-"))
        #expect(plan.deletedTagNames == ["r:build-1"])
    }

    @Test func handMarksAddAndExclude() throws {
        var builder = InventoryBuilder()
        builder.image("r", "a", tags: ["a"], created: InventoryBuilder.day(1))
        builder.image("r", "b", tags: ["b"], created: InventoryBuilder.day(2))
        let policy = try PurgePolicy.parse(filters: ["r:^a$"], ago: "0d")
        let plan = Planner.plan(
            inventory: builder.inventory, policy: policy, now: now,
            marks: [
                HandMark(repository: "r", tag: "a", kind: .exclude),
                HandMark(repository: "r", tag: "b", kind: .include),
            ])
        #expect(plan.reason("r", tag: "a") == .excludedByHand)
        #expect(plan.reason("r", tag: "b") == .markedByHand)
    }

    @Test func childrenOfAKeptIndexStayAndGoWithADeletedOne() throws {
        var builder = InventoryBuilder()
        builder.image("p", "amd64-1", tags: [], created: InventoryBuilder.day(1))
        builder.image("p", "arm64-1", tags: [], created: InventoryBuilder.day(1))
        builder.index("p", "idx-1", tags: ["1.0"], children: ["amd64-1", "arm64-1"])
        builder.image("p", "amd64-2", tags: [], created: InventoryBuilder.day(5))
        builder.image("p", "shared", tags: [], created: InventoryBuilder.day(5))
        builder.index("p", "idx-2", tags: ["2.0"], children: ["amd64-2", "shared"])
        builder.index("p", "idx-3", tags: ["3.0"], children: ["shared"])
        let policy = try PurgePolicy.parse(filters: ["p:^[12]\\."], ago: "0d", untagged: true)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        let d = InventoryBuilder.digest
        #expect(plan.reason("p", manifest: d("p/idx-1")) == .untagged)
        #expect(plan.reason("p", manifest: d("p/amd64-1")) == .childOfDeletedIndex(index: d("p/idx-1")))
        #expect(plan.reason("p", manifest: d("p/amd64-2")) == .childOfDeletedIndex(index: d("p/idx-2")))
        // A child shared with a kept index stays.
        #expect(plan.reason("p", manifest: d("p/shared")) == .childOfKeptIndex(index: d("p/idx-3")))
        #expect(plan.manifestCount == 5)
    }

    @Test func referrersFollowTheirSubject() throws {
        var builder = InventoryBuilder()
        builder.image("s", "old", tags: ["1.0"], created: InventoryBuilder.day(1))
        builder.image("s", "old-sig", tags: [], created: nil, subject: "old")
        builder.referrerTag("s", "sha256-\(InventoryBuilder.digest("s/old").hex).sig", pointsTo: "old-sig")
        builder.image("s", "new", tags: ["2.0"], created: InventoryBuilder.day(9))
        builder.image("s", "new-sig", tags: [], created: nil, subject: "new")
        let policy = try PurgePolicy.parse(filters: ["s:.*"], ago: "0d", protect: ["s:^2\\.0$"])
        let tagsOnly = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        let d = InventoryBuilder.digest
        // Without --untagged, nothing is deleted by digest: signatures stay.
        #expect(tagsOnly.manifestCount == 0)
        let withUntagged = Planner.plan(
            inventory: builder.inventory,
            policy: try PurgePolicy.parse(filters: ["s:.*"], ago: "0d", untagged: true, protect: ["s:^2\\.0$"]),
            now: now)
        #expect(withUntagged.reason("s", manifest: d("s/old")) == .untagged)
        #expect(withUntagged.reason("s", manifest: d("s/old-sig")) == .subjectDeleted(subject: d("s/old")))
        #expect(withUntagged.reason("s", manifest: d("s/new-sig")) == .referrerOfKept(subject: d("s/new")))
        #expect(withUntagged["s"]?.referrerTagsDeleted == ["sha256-\(d("s/old").hex).sig"])
        // A referrer tag is not an ordinary tag for the filters.
        #expect(withUntagged["s"]?.tags.map(\.tag).sorted() == ["1.0", "2.0"])
    }

    @Test func spaceFreedCountsOnlyBlobsNoKeptManifestUses() throws {
        var builder = InventoryBuilder()
        builder.image(
            "r", "a", tags: ["a"], created: InventoryBuilder.day(1), blobs: [("base", 1000), ("a-layer", 300)])
        builder.image(
            "r", "b", tags: ["b"], created: InventoryBuilder.day(2), blobs: [("base", 1000), ("b-layer", 70)])
        let policy = try PurgePolicy.parse(filters: ["r:^a$"], ago: "0d", untagged: true)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        // a's body ("a": 1 byte) + its own layer; the shared base stays.
        #expect(plan.bytesFreed == 1 + 300)
        // A kept image in another repository that uses a's layer keeps it too: blobs are shared
        // across repositories.
        builder.image("q", "c", tags: ["c"], created: InventoryBuilder.day(3), blobs: [("a-layer", 300)])
        let shared = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        #expect(shared.bytesFreed == 1)
        // Nothing deleted, nothing freed.
        let none = try PurgePolicy.parse(filters: ["r:^z$"], ago: "0d", untagged: true)
        #expect(Planner.plan(inventory: builder.inventory, policy: none, now: now).bytesFreed == 0)
    }
}

@Suite("Referrers index")
struct ReferrersIndexTests {
    @Test("an index held by a sha256-<hex> tag is a referrers index; a cosign .sig tag's manifest is not")
    func detection() {
        var builder = InventoryBuilder()
        let subject = builder.image("app", "subject", tags: ["1.0"], created: InventoryBuilder.day(1))
        builder.image("app", "sig", tags: [], created: nil, subject: "subject")
        let index = builder.index("app", "referrers", tags: [], children: ["sig"])
        builder.referrerTag("app", subject.referrersTag, pointsTo: "referrers")
        builder.referrerTag("app", subject.referrersTag + ".sig", pointsTo: "sig")
        let repository = builder.repositories["app"]
        #expect(repository?.isReferrersIndex(index) == true)
        #expect(repository?.isReferrersIndex(InventoryBuilder.digest("app/sig")) == false)
        #expect(repository?.isReferrersIndex(subject) == false)
    }
}
