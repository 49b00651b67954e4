import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

/// The bulk seed has the shape the soak relies on, and a registry started on a copy of another's
/// storage holds exactly the same tags and manifests.
@Suite("Bulk seed")
struct BulkSeedTests {
    @Test("shared manifests, indexes, signatures, kept tags; a storage copy is identical")
    func shapeAndCopy() async throws {
        let layout = BulkSeed.Layout.small()
        try await TestRegistry.with { registry in
            let seeded = try await BulkSeed.push(layout, into: registry)
            print("bulk seed (small): \(seeded.tagCount) tags, \(seeded.manifestCount) manifests in \(seeded.duration)")
            #expect(seeded.repositories == layout.repositories.sorted())
            for repository in layout.repositories {
                let tags = try #require(seeded.tags[repository])
                // Every image has its version tag.
                #expect(
                    tags.keys.filter { $0.hasPrefix("1.") && $0.hasSuffix(".0") }.count == layout.imagesPerRepository)
                // Kept tags: prod and keep-lts share a manifest with a version tag; dev is the newest.
                #expect(seeded.keptTags[repository] == ["dev", "keep-lts", "prod"])
                for kept in ["prod", "keep-lts"] {
                    let digest = try #require(tags[kept])
                    #expect(tags.filter { $0.value == digest }.count >= 2, "\(repository):\(kept)")
                }
                #expect(tags["dev"] == tags["1.\(layout.imagesPerRepository - 1).0"])
                // About one tag in five shares its manifest with another tag.
                let plain = tags.filter { !$0.key.hasPrefix("sha256-") }
                let sharing = plain.filter { entry in plain.contains { $0.key != entry.key && $0.value == entry.value }
                }
                #expect(sharing.count * 10 >= plain.count * 2, "\(sharing.count) of \(plain.count)")
                #expect(tags.keys.contains { $0.hasPrefix("sha256-") && $0.hasSuffix(".sig") })
                #expect(tags.keys.contains { $0.hasPrefix("sha256-") && !$0.contains(".") })
            }
            // Indexes and their children are among the manifests.
            let api = try #require(seeded.tags[layout.repositories[0]])
            let index = try #require(api["1.\(layout.indexEvery - 1).0"])
            let manifest = try await registry.withClient { client in
                try await client.manifest(repository: layout.repositories[0], reference: index.description)
            }
            #expect(manifest.manifests.count == 2)
            #expect(
                manifest.manifests.allSatisfy { seeded.manifests[layout.repositories[0]]?.contains($0.digest) == true })
            // Times spread over the span: the oldest image is about two years old.
            let oldest = try await registry.withClient { client in
                let image = try await client.manifest(repository: layout.repositories[0], reference: "1.0.0")
                let config = try #require(image.config)
                let data = try await client.blob(repository: layout.repositories[0], digest: config.digest)
                return try ImageConfig(json: data).created
            }
            let age = layout.now.timeIntervalSince(try #require(oldest))
            #expect(age > 0.9 * layout.span && age <= layout.span + 7200)

            let copyClock = ContinuousClock()
            let copyStarted = copyClock.now
            try await TestRegistry.with(copyingStorageOf: registry) { copy in
                print("storage copy started in \(copyClock.now - copyStarted)")
                #expect(copy.port != registry.port)
                let copied = try await RegistrySnapshot.take(
                    copy, repositories: seeded.repositories, probing: seeded.manifests)
                #expect(copied.differences(from: seeded.snapshot) == [])
                #expect(copied == seeded.snapshot)
            }
        }
    }
}
