import Foundation
import RegistryTestSupport
import Testing

@testable import RegistryClient

/// What a run cut short (a fault, a kill) can leave on a real registry, and the next run finishing it.
@Suite("Purge after a half-done run")
struct PurgeHalfDoneTests {
    @Test("a tag left on its placeholder (the untag's DELETE never landed) is purged by the next run")
    func tagLeftOnAPlaceholder() async throws {
        let layout = BulkSeed.Layout.small()
        try await TestRegistry.with { registry in
            let seeded = try await BulkSeed.push(layout, into: registry)
            let repository = layout.repositories[0]
            let tags = try #require(seeded.snapshot.tags[repository])
            let sibling = try #require(tags.first { $0.value == tags["prod"] && $0.key != "prod" }?.key)
            // The first step of a placeholder untag, as a run stopped between its PUT and its DELETE leaves it.
            let placeholder = try await registry.withClient { client in
                _ = try await client.uploadBlob(repository: repository, data: Data("{}".utf8))
                return try await client.putManifest(
                    repository: repository, reference: sibling, body: try RegistryClient.placeholderManifest(),
                    mediaType: MediaType.ociManifest)
            }
            try await CLI.with { cli in
                let dry = try await cli.run(
                    FaultPurge.arguments(host: registry.host, faulted: false, dryRun: true), timeout: .seconds(120))
                #expect(dry.status == 0, "\(dry.summary)")
                #expect(dry.stdoutText.contains("\(repository):\(sibling)"), "\(dry.stdoutText)")
                let purge = try await cli.run(
                    FaultPurge.arguments(host: registry.host, faulted: false), timeout: .seconds(120))
                #expect(purge.status == 0, "\(purge.summary)")
            }
            let after = try await RegistrySnapshot.take(
                registry, repositories: seeded.repositories,
                probing: [repository: [placeholder, try #require(tags["prod"])]])
            #expect(after.tags[repository]?[sibling] == nil, "the tag is still there")
            #expect(after.manifests[repository]?.contains(placeholder) == false, "the placeholder is still stored")
            #expect(after.tags[repository]?["prod"] == tags["prod"])
        }
    }
}
