import Foundation
import Purge
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// Manifests a run left behind (a child whose DELETE failed after its index went) are found and
/// finished by the next run, though no tag reaches them.
@Suite struct LeftoversTests {
    static let a = Digest.sha256(of: Data("a".utf8))
    static let b = Digest.sha256(of: Data("b".utf8))
    static let c = Digest.sha256(of: Data("c".utf8))

    @Test("after a run: undone manifests are added, deleted and settled ones dropped, unread repositories kept")
    func update() {
        let before = Leftovers(registry: "r", manifests: ["app": [Self.a, Self.b], "other": [Self.c]])
        var repository = RepositoryInventory(name: "app")
        repository.leftovers = LeftoverCheck(present: [Self.b], settled: [Self.a])
        let inventory = Inventory(registry: "r", repositories: [repository])
        let result = ExecutionResult(
            registry: "r",
            items: [
                ExecutionItem(repository: "app", target: .manifest(Self.b), outcome: .deleted),
                ExecutionItem(repository: "app", target: .manifest(Self.c), outcome: .failed(error: "503")),
                ExecutionItem(repository: "new", target: .manifest(Self.a), outcome: .notDone(reason: "stopped")),
                ExecutionItem(repository: "new", target: .tag("1.0"), outcome: .failed(error: "503")),
                ExecutionItem(repository: "new", target: .manifest(Self.b), outcome: .skipped(reason: "re-tagged")),
            ], journalPath: nil, interrupted: false)
        let after = before.updated(inventory: inventory, result: result)
        #expect(after.manifests == ["app": [Self.c].sorted(), "other": [Self.c], "new": [Self.a]])
        #expect(
            Leftovers(registry: "r", manifests: ["app": [Self.a]]).updated(inventory: inventory, result: nil).isEmpty)
    }

    @Test("before deleting, every manifest the plan deletes is noted on top of what was left")
    func plannedIsASuperset() throws {
        var builder = InventoryBuilder()
        let old = builder.image("app", "old", tags: ["1"], created: InventoryBuilder.day(1))
        _ = builder.image("app", "new", tags: ["2"], created: InventoryBuilder.day(20))
        let policy = try PurgePolicy.parse(filters: ["app:^1$"], ago: "0d", untagged: true)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: InventoryBuilder.day(30))
        let noted = Leftovers(registry: "r", manifests: ["x": [Self.a]]).planned(plan)
        #expect(noted.manifests == ["x": [Self.a], "app": [old]])
    }

    @Test("the store: none without a file, a round trip 0600, removed when empty, a corrupt file is an error")
    func store() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leftovers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = LeftoverStore.standard(registry: "127.0.0.1:5000", environment: ["XDG_STATE_HOME": folder.path])
        #expect(store.path == folder.path + "/regsweep/leftovers-127.0.0.1_5000.json")
        #expect(try store.load().isEmpty)
        let leftovers = Leftovers(registry: "127.0.0.1:5000", manifests: ["app": [Self.a, Self.b]])
        try store.save(leftovers)
        #expect(try store.load() == leftovers)
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try store.save(Leftovers(registry: "127.0.0.1:5000"))
        #expect(!FileManager.default.fileExists(atPath: store.path))
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: store.path))
        let error = #expect(throws: PurgeError.self) { try store.load() }
        #expect(error?.message.contains("move it aside") == true)
    }

    @Test("live: children orphaned by a deleted index are found by digest and purged by the next run")
    func orphanedChildrenAreFinished() async throws {
        try await TestRegistry.with { registry in
            let platforms = [
                Platform(architecture: "amd64", os: "linux"), Platform(architecture: "arm64", os: "linux"),
            ]
            let (index, kept) = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let index = try await pusher.pushIndex(
                    repository: "multi", tags: ["1.0"],
                    children: platforms.map {
                        ImageSpec(seed: "orphan-\($0)", created: DemoSeed.day(2023, 1, 1), platform: $0)
                    })
                let kept = try await pusher.pushImage(
                    repository: "multi", tags: ["stays"],
                    spec: ImageSpec(seed: "stays", created: DemoSeed.day(2023, 1, 1)))
                // A run deleted the index; its children's DELETEs failed.
                try await client.deleteManifest(repository: "multi", digest: index.index.digest)
                return (index, kept)
            }
            let gone = Digest.sha256(of: Data("never pushed".utf8))
            let children = Set(index.children.map(\.digest))
            let leftovers = Leftovers(
                registry: registry.host, manifests: ["multi": (children.union([gone, kept.digest])).sorted()])
            let policy = try PurgePolicy.parse(filters: ["multi:^1"], ago: "0d", untagged: true)
            try await registry.withClient { client in
                let blind = try await InventoryLoader(client: client).load(repositories: ["multi"])
                #expect(blind.repositories.first?.manifests.keys.contains { children.contains($0) } == false)

                let inventory = try await InventoryLoader(client: client, leftovers: leftovers).load(repositories: [
                    "multi"
                ])
                let repository = try #require(inventory.repositories.first)
                #expect(repository.leftovers.present == children)
                #expect(repository.leftovers.settled == [gone, kept.digest], "gone, and tagged")
                let plan = Planner.plan(inventory: inventory, policy: policy, now: Date())
                for child in children { #expect(plan.reason("multi", manifest: child) == .untagged) }
                #expect(plan.reason("multi", manifest: kept.digest) == .stillTagged(tags: ["stays"]))

                let journal = FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID()).jsonl").path
                let result = await PurgeExecutor(client: client, journal: try Journal(path: journal))
                    .execute(plan: plan, inventory: inventory)
                #expect(result.succeeded)
                #expect(Set(result.deletedManifests.map(\.target)) == Set(children.map { .manifest($0) }))
                #expect(leftovers.updated(inventory: inventory, result: result).isEmpty)
                for child in children {
                    #expect(try await client.head(repository: "multi", reference: child.description) == nil)
                }
                #expect(try await client.head(repository: "multi", reference: "stays")?.digest == kept.digest)
                let again = try await InventoryLoader(client: client, leftovers: leftovers).load(repositories: ["multi"]
                )
                #expect(again.repositories.first?.leftovers.settled == children.union([gone, kept.digest]))
            }
        }
    }

    @Test("live: a leftover whose HEAD keeps failing makes the repository unreadable, never quietly out of view")
    func uncheckedLeftoverFailsTheLoad() async throws {
        try await TestRegistry.with { registry in
            let (index, image) = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let index = try await pusher.pushIndex(
                    repository: "multi", tags: ["1.0"],
                    children: [
                        ImageSpec(
                            seed: "unchecked", created: DemoSeed.day(2023, 1, 1),
                            platform: Platform(architecture: "amd64", os: "linux"))
                    ])
                let image = try await pusher.pushImage(
                    repository: "multi", tags: ["stays"],
                    spec: ImageSpec(seed: "stays-too", created: DemoSeed.day(2023, 1, 1)))
                try await client.deleteManifest(repository: "multi", digest: index.index.digest)
                return (index, image)
            }
            let child = try #require(index.children.first?.digest)
            let leftovers = Leftovers(registry: registry.host, manifests: ["multi": [child]])
            // Every HEAD answers 500. Tags resolve by GET (a cache without hints yet), so only the
            // leftover's check meets the fault, in every round.
            let options = FaultProxy.Options(faultRate: 1, kinds: [.internalServerError], methods: ["HEAD"])
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID())")
            defer { try? FileManager.default.removeItem(at: folder) }
            try await FaultProxy.with(registry, options: options) { proxy in
                try await AsyncHTTPTransport.withTransport { transport in
                    let client = RegistryClient(
                        endpoint: RegistryEndpoint(name: proxy.host, scheme: "http"), credentials: .anonymous,
                        transport: transport, retry: .never)
                    let loader = InventoryLoader(
                        client: client, cache: ContentCache(directory: folder), leftovers: leftovers)
                    let inventory = try await loader.load(repositories: ["multi"])
                    #expect(inventory.repositories.isEmpty, "loaded as if the leftover were settled")
                    let reason = try #require(inventory.unreadable["multi"])
                    #expect(reason.contains("500"), "\(reason)")
                }
                #expect(proxy.statistics.faultsByMethod["HEAD"] == 3, "one HEAD per round: \(proxy.statistics)")
            }
            // Through a working connection the same leftover is found and planned.
            try await registry.withClient { client in
                let inventory = try await InventoryLoader(client: client, leftovers: leftovers).load(
                    repositories: ["multi"])
                #expect(inventory.repositories.first?.leftovers.present == [child])
                #expect(inventory.repositories.first?.tags["stays"] == image.digest)
            }
        }
    }

    @Test("live: a subject whose tags went while its signature stayed is found through the signature's tag")
    func subjectNamedByAReferrerTag() async throws {
        try await TestRegistry.with { registry in
            let (image, signature) = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(
                    repository: "signed", tags: ["1.0"],
                    spec: ImageSpec(seed: "held", created: DemoSeed.day(2023, 1, 1)))
                let signature = try await pusher.pushReferrer(
                    repository: "signed", subject: image, style: .cosignTag(suffix: "sig"))
                // What a run leaves when the signature's DELETE fails: the signature holds its subject,
                // and the subject's own tag goes by itself.
                try await client.deleteTag(repository: "signed", tag: "1.0", expecting: image.digest)
                return (image, signature)
            }
            let policy = try PurgePolicy.parse(filters: ["signed:.*"], ago: "0d", untagged: true)
            try await registry.withClient { client in
                let inventory = try await InventoryLoader(client: client).load(repositories: ["signed"])
                let repository = try #require(inventory.repositories.first)
                #expect(repository.manifests[image.digest] != nil, "in view, though untagged")
                #expect(repository.tags.isEmpty)
                let plan = Planner.plan(inventory: inventory, policy: policy, now: Date())
                #expect(plan.reason("signed", manifest: image.digest) == .untagged)
                #expect(plan.reason("signed", manifest: signature.digest) == .subjectDeleted(subject: image.digest))
                let journal = FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID()).jsonl").path
                let result = await PurgeExecutor(client: client, journal: try Journal(path: journal))
                    .execute(plan: plan, inventory: inventory)
                #expect(result.succeeded)
                #expect(try await client.head(repository: "signed", reference: image.digest.description) == nil)
                #expect(try await client.tags(repository: "signed").isEmpty)
            }
        }
    }

    @Test("a tag-schema referrers index goes in the referrers phase, before any index (its subject may be one)")
    func referrersIndexIsAReferrer() throws {
        var builder = InventoryBuilder()
        builder.image("app", "child", tags: [], created: InventoryBuilder.day(1))
        let subject = builder.index("app", "multi", tags: ["1.0"], children: ["child"])
        let referrersIndex = builder.index("app", "schema", tags: [], children: [])
        builder.referrerTag("app", "sha256-\(subject.hex)", pointsTo: "schema")
        let policy = try PurgePolicy.parse(filters: ["app:.*"], ago: "0d", untagged: true)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: InventoryBuilder.day(30))
        let verdict = try #require(plan["app"]?.manifests.first { $0.digest == referrersIndex })
        #expect(verdict.action == .delete && verdict.kind == .index)
        #expect(verdict.isReferrer, "phased with the referrers, not with its subject")
        #expect(plan["app"]?.manifests.first { $0.digest == subject }?.isReferrer == false)
    }

    @Test("a referrer an earlier run left whose subject is gone is planned; any other stays 'subject not in view'")
    func danglingLeftoverReferrer() throws {
        var builder = InventoryBuilder()
        let signature = builder.image("s", "sig", tags: [], created: nil, subject: "gone")
        builder.referrerTag("s", "sha256-\(InventoryBuilder.digest("s/gone").hex).sig", pointsTo: "sig")
        let other = builder.image("s", "other-sig", tags: [], created: nil, subject: "also-gone")
        builder.referrerTag("s", "sha256-\(InventoryBuilder.digest("s/also-gone").hex).sig", pointsTo: "other-sig")
        builder.repositories["s"]?.leftovers = LeftoverCheck(dangling: [signature])
        let untagged = try PurgePolicy.parse(filters: ["s:.*"], ago: "0d", untagged: true)
        let plan = Planner.plan(inventory: builder.inventory, policy: untagged, now: InventoryBuilder.day(30))
        #expect(plan.reason("s", manifest: signature) == .subjectDeleted(subject: InventoryBuilder.digest("s/gone")))
        #expect(plan["s"]?.referrerTagsDeleted == ["sha256-\(InventoryBuilder.digest("s/gone").hex).sig"])
        #expect(plan.reason("s", manifest: other) == .subjectNotInView(subject: InventoryBuilder.digest("s/also-gone")))
        let tagsOnly = try PurgePolicy.parse(filters: ["s:.*"], ago: "0d")
        let kept = Planner.plan(inventory: builder.inventory, policy: tagsOnly, now: InventoryBuilder.day(30))
        #expect(kept.manifestCount == 0, "without --untagged nothing goes by digest")
    }

    @Test("live: a signature left after its subject went is found dangling and purged with its tag")
    func danglingSignatureIsFinished() async throws {
        try await TestRegistry.with { registry in
            let signature = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(
                    repository: "signed", tags: ["1.0"],
                    spec: ImageSpec(seed: "gone", created: DemoSeed.day(2023, 1, 1)))
                let signature = try await pusher.pushReferrer(
                    repository: "signed", subject: image, style: .cosignTag(suffix: "sig"))
                // The run deleted the subject; the signature's DELETE failed.
                try await client.deleteManifest(repository: "signed", digest: image.digest)
                return signature
            }
            let policy = try PurgePolicy.parse(filters: ["signed:.*"], ago: "0d", untagged: true)
            try await registry.withClient { client in
                let plain = try await InventoryLoader(client: client).load(repositories: ["signed"])
                let kept = Planner.plan(inventory: plain, policy: policy, now: Date())
                #expect(kept.manifestCount == 0, "without the earlier run's word, a signature of nothing in view stays")

                let leftovers = Leftovers(registry: registry.host, manifests: ["signed": [signature.digest]])
                let inventory = try await InventoryLoader(client: client, leftovers: leftovers).load(repositories: [
                    "signed"
                ])
                #expect(inventory.repositories.first?.leftovers.dangling == [signature.digest])
                #expect(inventory.repositories.first?.leftovers.settled.isEmpty == true, "remembered until deleted")
                let plan = Planner.plan(inventory: inventory, policy: policy, now: Date())
                let journal = FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID()).jsonl").path
                let result = await PurgeExecutor(client: client, journal: try Journal(path: journal))
                    .execute(plan: plan, inventory: inventory)
                #expect(result.succeeded)
                #expect(result.deletedManifests.map(\.target) == [.manifest(signature.digest)])
                #expect(try await client.tags(repository: "signed").isEmpty)
                #expect(leftovers.updated(inventory: inventory, result: result).isEmpty)
            }
        }
    }

    @Test("live: a referrers index that lists a deleted referrer is a note, not a failed listing")
    func referrersIndexListingAGoneReferrer() async throws {
        try await TestRegistry.with { registry in
            let (image, referrer) = try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(
                    repository: "signed", tags: ["1.0"],
                    spec: ImageSpec(seed: "listed", created: DemoSeed.day(2023, 1, 1)))
                let referrer = try await pusher.pushReferrer(repository: "signed", subject: image, style: .tagSchema)
                // Deleted by another client that left the referrers index as it was.
                try await client.deleteManifest(repository: "signed", digest: referrer.digest)
                return (image, referrer)
            }
            try await registry.withClient { client in
                let inventory = try await InventoryLoader(client: client).load(repositories: ["signed"])
                #expect(inventory.unreadable.isEmpty)
                let repository = try #require(inventory.repositories.first)
                #expect(repository.manifests[image.digest] != nil)
                #expect(repository.manifests[referrer.digest] == nil)
                #expect(repository.problems.contains { $0.contains(referrer.digest.description) })
            }
        }
    }
}
