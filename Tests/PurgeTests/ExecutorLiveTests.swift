import Foundation
import Purge
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// The purge engine against a real distribution registry, checking the registry afterwards.
@Suite struct ExecutorLiveTests {
    @Test func articleFilterLeavesDevAndProd() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let before = try await registry.tagMap("another-app")
            let (plan, result) = try await LivePurge(registry: registry).run(
                ["another-app", "my-app"], filters: ["my-app:^((?!prod|dev).)*$"], untagged: true)
            #expect(plan.tagCount == 4 && plan.manifestCount == 3)
            #expect(result.succeeded)
            #expect(result.deletedTags.count == 4)
            #expect(result.deletedManifests.count == 3)
            #expect(try await registry.skopeoTags("my-app") == ["dev", "prod"])
            #expect(try await registry.tagMap("another-app") == before)
        }
    }

    @Test func oneTagGoesWhileItsSiblingStays() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let before = try await registry.tagMap("my-app")
            let (_, result) = try await LivePurge(registry: registry).run(["my-app"], filters: ["my-app:^4\\.0\\.0$"])
            #expect(result.succeeded)
            #expect(result.deletedTags.map(\.target) == [.tag("4.0.0")])
            #expect(result.deletedManifests.isEmpty)
            let after = try await registry.tagMap("my-app")
            #expect(after["4.0.0"] == nil)
            #expect(after["dev"] == before["dev"])
            #expect(try await registry.skopeoTags("my-app") == ["1.0.0", "2.0.0", "3.0.0", "dev", "prod"])
        }
    }

    @Test func indexChildrenStayWithTheIndexAndGoWithIt() async throws {
        try await TestRegistry.with { registry in
            let platforms = [
                Platform(architecture: "amd64", os: "linux"), Platform(architecture: "arm64", os: "linux"),
            ]
            let (old, new) = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let old = try await pusher.pushIndex(
                    repository: "multi", tags: ["1.0"],
                    children: platforms.map {
                        ImageSpec(seed: "old-\($0)", created: DemoSeed.day(2023, 1, 1), platform: $0)
                    })
                let new = try await pusher.pushIndex(
                    repository: "multi", tags: ["2.0"],
                    children: platforms.map {
                        ImageSpec(seed: "new-\($0)", created: DemoSeed.day(2024, 1, 1), platform: $0)
                    })
                return (old, new)
            }
            // Tag-only purge: the index and its children all stay.
            let (tagPlan, _) = try await LivePurge(registry: registry).plan(
                ["multi"], filters: ["multi:^2"], untagged: true)
            for child in new.children {
                #expect(
                    tagPlan.reason("multi", manifest: child.digest) == .childOfDeletedIndex(index: new.index.digest))
            }
            for child in old.children {
                #expect(tagPlan.reason("multi", manifest: child.digest) == .childOfKeptIndex(index: old.index.digest))
            }
            let (_, result) = try await LivePurge(registry: registry).run(
                ["multi"], filters: ["multi:^1"], untagged: true)
            #expect(result.succeeded)
            #expect(
                Set(result.deletedManifests.map(\.target))
                    == Set(([old.index] + old.children).map { .manifest($0.digest) }))
            let present = try await registry.withClient { client in
                var present: [Digest: Bool] = [:]
                for child in old.children + new.children {
                    present[child.digest] =
                        try await client.head(repository: "multi", reference: child.digest.description) != nil
                }
                return present
            }
            #expect(old.children.allSatisfy { present[$0.digest] == false })
            #expect(new.children.allSatisfy { present[$0.digest] == true })
            #expect(try await registry.skopeoTags("multi") == ["2.0"])
        }
    }

    @Test func signaturesFollowTheirSubject() async throws {
        try await TestRegistry.with { registry in
            let signed = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                var signed: [(image: Descriptor, referrer: Descriptor, cosign: Descriptor)] = []
                for (tag, year) in [("1.0", 2023), ("2.0", 2024)] {
                    let image = try await pusher.pushImage(
                        repository: "signed", tags: [tag],
                        spec: ImageSpec(seed: "signed-\(tag)", created: DemoSeed.day(year, 1, 1)))
                    let referrer = try await pusher.pushReferrer(
                        repository: "signed", subject: image, style: .tagSchema)
                    let cosign = try await pusher.pushReferrer(
                        repository: "signed", subject: image, style: .cosignTag(suffix: "sig"))
                    signed.append((image, referrer, cosign))
                }
                return signed
            }
            // 2.0 is protected: its signatures stay; 1.0 goes with both of its signatures.
            let (plan, result) = try await LivePurge(registry: registry).run(
                ["signed"], filters: ["signed:.*"], untagged: true, protect: ["signed:^2\\.0$"])
            #expect(result.succeeded)
            #expect(
                plan.reason("signed", manifest: signed[1].referrer.digest)
                    == .referrerOfKept(subject: signed[1].image.digest))
            let deleted = Set(result.deletedManifests.map(\.target))
            #expect(deleted.contains(.manifest(signed[0].image.digest)))
            #expect(deleted.contains(.manifest(signed[0].referrer.digest)))
            #expect(deleted.contains(.manifest(signed[0].cosign.digest)))
            #expect(!deleted.contains(.manifest(signed[1].image.digest)))
            let tags = try await registry.skopeoTags("signed")
            #expect(
                tags.sorted()
                    == ["2.0", signed[1].image.digest.referrersTag, signed[1].image.digest.referrersTag + ".sig"]
                    .sorted())
        }
    }

    @Test func keepTiesUnknownAgesAndProtectOnARealRegistry() async throws {
        try await TestRegistry.with { registry in
            try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let tie = DemoSeed.day(2024, 5, 5)
                for tag in ["b", "a", "c"] {
                    try await pusher.pushImage(
                        repository: "r", tags: [tag], spec: ImageSpec(seed: "r-\(tag)", created: tie))
                }
                try await pusher.pushImage(
                    repository: "r", tags: ["epoch"],
                    spec: ImageSpec(seed: "r-epoch", created: Date(timeIntervalSince1970: 0)))
                try await pusher.pushImage(
                    repository: "r", tags: ["nodate"], spec: ImageSpec(seed: "r-nodate", created: nil))
                try await pusher.pushImage(
                    repository: "r", tags: ["release"],
                    spec: ImageSpec(seed: "r-release", created: DemoSeed.day(2020, 1, 1)))
            }
            let (plan, result) = try await LivePurge(registry: registry).run(
                ["r"], filters: ["r:.*"], ago: "30d", keep: 1, untagged: true, protect: ["r:^release$"])
            #expect(result.succeeded)
            #expect(plan.reason("r", tag: "a") == .keptNewest(rank: 1, of: 1))
            #expect(plan.reason("r", tag: "epoch") == .ageUnknown)
            #expect(plan.reason("r", tag: "nodate") == .ageUnknown)
            #expect(plan.reason("r", tag: "release") == .protected(filter: "r:^release$"))
            #expect(try await registry.skopeoTags("r") == ["a", "epoch", "nodate", "release"])
        }
    }

    @Test func aTagThatMovedSinceThePlanIsSkipped() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let before = try await registry.tagMap("my-app")
            let (_, result) = try await LivePurge(registry: registry).run(
                ["my-app"], filters: ["my-app:^1\\.0\\.0$"], untagged: true
            ) { client in
                // Someone pushes 1.0.0 again, onto 3.0.0's manifest, after the preview.
                guard let target = before["3.0.0"] else { return }
                try await FixturePusher(client: client).retag(repository: "my-app", tag: "1.0.0", to: target)
            }
            #expect(result.deletedTags.isEmpty)
            let skippedTag = result.skips.first { $0.target == .tag("1.0.0") }
            guard case .skipped(let reason)? = skippedTag?.outcome else {
                Issue.record("1.0.0 was not reported as skipped: \(result.items)")
                return
            }
            #expect(reason.contains("moved"))
            let after = try await registry.tagMap("my-app")
            #expect(after["1.0.0"] == before["3.0.0"])
            #expect(after["3.0.0"] == before["3.0.0"])
        }
    }

    @Test func aKeptTagMovedOntoAPlannedManifestProtectsIt() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let before = try await registry.tagMap("my-app")
            let (_, result) = try await LivePurge(registry: registry).run(
                ["my-app"], filters: ["my-app:^2\\.0\\.0$"], untagged: true
            ) { client in
                // prod is kept by the plan, and now points at 2.0.0's manifest, which the plan deletes.
                guard let target = before["2.0.0"] else { return }
                try await FixturePusher(client: client).retag(repository: "my-app", tag: "prod", to: target)
            }
            #expect(result.deletedManifests.isEmpty)
            #expect(result.deletedTags.map(\.target) == [.tag("2.0.0")])
            let after = try await registry.tagMap("my-app")
            #expect(after["prod"] == before["2.0.0"])
            #expect(after["2.0.0"] == nil)
        }
    }

    @Test func restoreGivesBackTheSameTagMap() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let before = try await registry.tagMap("my-app")
            let (_, result) = try await LivePurge(registry: registry).run(
                ["my-app"], filters: ["my-app:^((?!prod).)*$"], untagged: true)
            #expect(result.succeeded)
            #expect(try await registry.skopeoTags("my-app") == ["prod"])
            let journal = try #require(result.journalPath)
            let entries = try Journal.read(path: journal)
            #expect(entries.count == 4)
            let restored = try await registry.withClient { client in
                await Restorer(client: client).restore(entries: entries)
            }
            #expect(restored.allSatisfy { $0.outcome == .restored })
            #expect(try await registry.tagMap("my-app") == before)
        }
    }

    @Test func deletionDisabledStopsTheRepositoryWithAHint() async throws {
        try await TestRegistry.with(deleteEnabled: false) { registry in
            try await registry.seedArticleScenario()
            let (_, result) = try await LivePurge(registry: registry).run(
                ["my-app"], filters: ["my-app:^1"], untagged: true)
            #expect(!result.succeeded, "nothing planned was done: the run must not succeed")
            #expect(result.deletedTags.isEmpty)
            #expect(result.skips.isEmpty, "an error is not a safety skip")
            let reasons = result.leftUndone.compactMap { item -> String? in
                switch item.outcome {
                case .failed(let reason), .notDone(let reason): return reason
                default: return nil
                }
            }
            #expect(reasons.count == result.items.count)
            #expect(reasons.contains { $0.contains("storage.delete.enabled") })
            #expect(try await registry.skopeoTags("my-app").count == 6)
        }
    }
}
