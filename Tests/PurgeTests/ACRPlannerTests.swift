import Foundation
import Purge
import RegistryClient
import Testing

/// `acr purge`'s semantics where ACR's own API says more than `/v2`: a tag's age is its
/// `lastUpdateTime`, locked items stay unless `--include-locked`, untagged manifests are in view.
@Suite struct ACRPlannerTests {
    let now = InventoryBuilder.day(27, month: 11, year: 2026)
    static func date(_ day: Int, _ month: Int = 12, _ year: Int = 2022) -> Date {
        InventoryBuilder.day(day, month: month, year: year)
    }

    /// The builder's repository as ACR lists it: tag times and untagged manifests in view.
    func acr(_ builder: inout InventoryBuilder, _ repository: String, tagTimes: [String: Date] = [:]) {
        builder.repositories[repository]?.api = .acr
        for (tag, date) in tagTimes {
            builder.repositories[repository]?.tagTimes[tag] = TagTime(date: date, source: .vendor)
        }
    }

    func plan(_ builder: InventoryBuilder, _ policy: PurgePolicy) -> PurgePlan {
        Planner.plan(inventory: builder.inventory, policy: policy, now: now)
    }

    func reason(_ plan: PurgePlan, tag: String, in repository: String = "app") -> TagReason? {
        plan[repository]?.tags.first { $0.tag == tag }?.reason
    }

    func reason(_ plan: PurgePlan, manifest: Digest, in repository: String = "app") -> ManifestReason? {
        plan[repository]?.manifests.first { $0.digest == manifest }?.reason
    }

    @Test func aTagIsAsOldAsItsLastUpdateNotItsImage() throws {
        var builder = InventoryBuilder()
        // Re-pointed yesterday onto a 2020 image: young by ACR's clock.
        builder.image("app", "old-image", tags: ["stable"], created: Self.date(1, 1, 2020))
        // Pushed in 2024 with a build date of last week (a rebuilt base, say): old by ACR's clock.
        builder.image("app", "new-image", tags: ["ci-9"], created: Self.date(20, 11, 2026))
        acr(&builder, "app", tagTimes: ["stable": Self.date(26, 11, 2026), "ci-9": Self.date(3, 3, 2024)])
        let plan = plan(builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "30d"))
        #expect(reason(plan, tag: "stable") == .newerThanCutoff)
        #expect(reason(plan, tag: "ci-9") == .matched(filter: "app:.*"))
        #expect(plan["app"]?.tags.first { $0.tag == "ci-9" }?.time.source == .vendor)
    }

    @Test func keepCountsTheNewestByLastUpdate() throws {
        var builder = InventoryBuilder()
        // Image dates say a is newest; ACR's update times say c is.
        builder.image("app", "a", tags: ["a"], created: Self.date(10, 10, 2026))
        builder.image("app", "b", tags: ["b"], created: Self.date(5, 10, 2026))
        builder.image("app", "c", tags: ["c"], created: Self.date(1, 10, 2026))
        acr(
            &builder, "app",
            tagTimes: ["a": Self.date(1, 1, 2025), "b": Self.date(2, 1, 2025), "c": Self.date(3, 1, 2025)])
        let plan = plan(builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "0d", keep: 1))
        #expect(reason(plan, tag: "c") == .keptNewest(rank: 1, of: 1))
        #expect(plan.deletedTagNames == ["app:b", "app:a"])
    }

    @Test func aLockedTagStaysIsNotCountedByKeepAndGoesWithIncludeLocked() throws {
        var builder = InventoryBuilder()
        builder.image("app", "x", tags: ["newest"], created: Self.date(3))
        builder.image("app", "y", tags: ["middle"], created: Self.date(2))
        builder.image("app", "z", tags: ["oldest"], created: Self.date(1))
        acr(&builder, "app")
        builder.repositories["app"]?.tagLocks["newest"] = .delete
        let locked = plan(builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "0d", keep: 1))
        #expect(reason(locked, tag: "newest") == .locked)
        // The keep budget goes to the newest tag that could go, not to the locked one.
        #expect(reason(locked, tag: "middle") == .keptNewest(rank: 1, of: 1))
        #expect(locked.deletedTagNames == ["app:oldest"])
        #expect(PlanReport.notes(locked).contains { $0.contains("1 locked tag") && $0.contains("--include-locked") })

        let included = plan(
            builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "0d", keep: 1, includeLocked: true))
        #expect(reason(included, tag: "newest") == .keptNewest(rank: 1, of: 1))
        #expect(included.deletedTagNames == ["app:middle", "app:oldest"])
    }

    @Test func aLockedManifestStaysWithItsChildren() throws {
        var builder = InventoryBuilder()
        builder.image("app", "amd64", tags: [], created: Self.date(1))
        builder.image("app", "arm64", tags: [], created: Self.date(1))
        let index = builder.index("app", "multi", tags: ["1.0"], children: ["amd64", "arm64"])
        acr(&builder, "app")
        builder.repositories["app"]?.manifests[index]?.lock = .write
        let locked = plan(builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "0d", untagged: true))
        #expect(reason(locked, tag: "1.0") == .matched(filter: "app:.*"))
        #expect(reason(locked, manifest: index) == .locked)
        #expect(reason(locked, manifest: InventoryBuilder.digest("app/amd64")) == .childOfKeptIndex(index: index))
        #expect(locked.manifestCount == 0)

        let included = plan(
            builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "0d", untagged: true, includeLocked: true))
        #expect(included.manifestCount == 3)
    }

    /// The case: `--untagged-only --keep 1` with index children and a referrer.
    @Test func untaggedOnlyKeepSparesTheNewestUntaggedImageWithWhatItHolds() throws {
        var builder = InventoryBuilder()
        // A tagged index whose children are untagged (as `_manifests` lists them): never touched.
        builder.image("app", "t-amd64", tags: [], created: nil)
        let tagged = builder.index("app", "tagged", tags: ["release"], children: ["t-amd64"])
        // An older untagged index with a child, and a newer untagged image with a signature.
        builder.image("app", "u-amd64", tags: [], created: nil)
        let oldIndex = builder.index("app", "u-index", tags: [], children: ["u-amd64"])
        let newImage = builder.image("app", "u-image", tags: [], created: nil)
        let signature = builder.image("app", "u-sig", tags: [], created: nil, subject: "u-image")
        acr(&builder, "app")
        let times: [String: Date] = [
            "t-amd64": Self.date(1), "tagged": Self.date(1), "u-amd64": Self.date(2), "u-index": Self.date(2),
            "u-image": Self.date(5), "u-sig": Self.date(5),
        ]
        for (name, date) in times {
            builder.repositories["app"]?.manifests[InventoryBuilder.digest("app/" + name)]?.time = TagTime(
                date: date, source: .vendor)
        }
        let plan = plan(builder, try PurgePolicy.parse(filters: ["app:.*"], ago: nil, keep: 1, untaggedOnly: true))
        #expect(reason(plan, manifest: tagged) == .stillTagged(tags: ["release"]))
        #expect(reason(plan, manifest: InventoryBuilder.digest("app/t-amd64")) == .childOfKeptIndex(index: tagged))
        #expect(reason(plan, manifest: newImage) == .keptNewest(rank: 1, of: 1))
        #expect(reason(plan, manifest: signature) == .referrerOfKept(subject: newImage))
        #expect(reason(plan, manifest: oldIndex) == .untagged)
        #expect(reason(plan, manifest: InventoryBuilder.digest("app/u-amd64")) == .childOfDeletedIndex(index: oldIndex))
        #expect(plan.manifestCount == 2)
        #expect(plan.tagCount == 0)
    }

    @Test func anUntaggedManifestNewerThanTheCutoffStays() throws {
        var builder = InventoryBuilder()
        let fresh = builder.image("app", "fresh", tags: [], created: nil)
        let stale = builder.image("app", "stale", tags: [], created: nil)
        acr(&builder, "app")
        builder.repositories["app"]?.manifests[fresh]?.time = TagTime(date: Self.date(26, 11, 2026), source: .vendor)
        builder.repositories["app"]?.manifests[stale]?.time = TagTime(date: Self.date(1, 1, 2026), source: .vendor)
        let plan = plan(builder, try PurgePolicy.parse(filters: ["app:.*"], ago: "7d", untaggedOnly: true))
        #expect(reason(plan, manifest: fresh) == .newerThanCutoff)
        #expect(reason(plan, manifest: stale) == .untagged)
        // ACR lists untagged manifests: the "not in view" note of generic registries is not said.
        #expect(!PlanReport.notes(plan).contains { $0.contains("only through tags") })
    }
}
