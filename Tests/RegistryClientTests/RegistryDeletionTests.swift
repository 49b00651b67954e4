import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// Capabilities and deletion on distribution 2.8, each test with a registry of its own.
@Suite("Real registry: capabilities and deletion")
struct RegistryDeletionTests {
    @Test("distribution 2.8: capabilities without a single DELETE; the first tag deletion learns placeholder untag")
    func capabilities() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.withClient { client, recorder in
                try await DemoSeed.pushArticleScenario(FixturePusher(client: client))
                let before = try await client.tags(repository: "my-app")
                let capabilities = try await client.capabilities(repository: "my-app")
                #expect(capabilities.tagDeletion == nil, "not known before a real tag deletion")
                #expect(capabilities.deleteEnabled == nil)
                #expect(capabilities.referrersAPI == false)
                #expect(capabilities.catalog == true)
                #expect(try await client.tags(repository: "my-app").sorted() == before.sorted())
                #expect(before.count == 6)
                #expect(!recorder.exchanges.contains { $0.method == "DELETE" }, "probes are harmless GETs")

                // dev and 4.0.0 share a manifest: removing 4.0.0 must keep dev.
                let dev = try await client.head(repository: "my-app", reference: "dev")
                try await client.deleteTag(repository: "my-app", tag: "4.0.0")
                let learned = try await client.capabilities(repository: "my-app")
                #expect(learned.tagDeletion == .placeholder, "distribution 2.8 answers 400 to a tag DELETE")
                #expect(learned.deleteEnabled == true)
                #expect(try await client.head(repository: "my-app", reference: "4.0.0") == nil)
                #expect(try await client.head(repository: "my-app", reference: "dev")?.digest == dev?.digest)
            }
        }
    }

    @Test("deletion disabled: capabilities say so, and deleting is deleteDisabled with the config hint")
    func deleteDisabled() async throws {
        try await TestRegistry.with(.none, deleteEnabled: false) { registry in
            try await registry.withClient { client, _ in
                let image = try await FixturePusher(client: client).pushImage(
                    repository: "app", tags: ["1.0"], spec: Fixture.spec("disabled"))
                #expect(try await client.capabilities(repository: "app").deleteEnabled == nil)
                let error = await #expect(throws: RegistryError.self) {
                    try await client.deleteManifest(repository: "app", digest: image.digest)
                }
                #expect(try await client.capabilities(repository: "app").deleteEnabled == false)
                #expect(error?.kind == .deleteDisabled)
                #expect(error?.status == 405)
                #expect(error?.description.contains("storage.delete.enabled") == true)
                #expect(try await client.head(repository: "app", reference: "1.0")?.digest == image.digest)
            }
        }
    }

    @Test("placeholder tag delete on a registry with deletion disabled fails and leaves the tag where it was")
    func placeholderOnDisabledRegistry() async throws {
        try await TestRegistry.with(.none, deleteEnabled: false) { registry in
            try await registry.withClient { client, _ in
                let image = try await FixturePusher(client: client).pushImage(
                    repository: "app", tags: ["1.0"], spec: Fixture.spec("disabled-tag"))
                let error = await #expect(throws: RegistryError.self) {
                    try await client.deleteTag(repository: "app", tag: "1.0", using: .placeholder)
                }
                #expect(error?.kind == .deleteDisabled)
                #expect(
                    try await client.head(repository: "app", reference: "1.0")?.digest == image.digest,
                    "a failed tag delete must not leave the tag on a placeholder")
            }
        }
    }

    @Test("tag delete by placeholder: 4.0.0 goes, its sibling dev keeps resolving to the same manifest (skopeo agrees)")
    func deleteTagKeepsSibling() async throws {
        try await TestRegistry.with(.none) { registry in
            let dev = try await registry.withClient { client, recorder in
                try await DemoSeed.pushArticleScenario(FixturePusher(client: client))
                let dev = try #require(try await client.head(repository: "my-app", reference: "dev")).digest
                #expect(try await client.head(repository: "my-app", reference: "4.0.0")?.digest == dev)

                let start = recorder.exchanges.count
                try await client.deleteTag(repository: "my-app", tag: "4.0.0", using: .placeholder)
                let deletes = recorder.exchanges.dropFirst(start).filter { $0.method == "DELETE" }
                #expect(deletes.count == 1)
                #expect(deletes.first?.url.path.hasSuffix("/manifests/\(dev)") == false, "never the real manifest")

                #expect(
                    try await client.tags(repository: "my-app").sorted() == ["1.0.0", "2.0.0", "3.0.0", "dev", "prod"])
                #expect(try await client.head(repository: "my-app", reference: "4.0.0") == nil)
                #expect(try await client.head(repository: "my-app", reference: "dev")?.digest == dev)
                #expect(try await client.manifest(repository: "my-app", reference: dev.description).digest == dev)
                #expect(try await client.tags(repository: "another-app").sorted() == ["1.0.0", "2.0.0", "dev"])
                return dev
            }
            #expect(
                try await Skopeo.listTags(registry, repository: "my-app").sorted() == [
                    "1.0.0", "2.0.0", "3.0.0", "dev", "prod",
                ])
            #expect(Digest.sha256(of: try await Skopeo.rawManifest(registry, "my-app:dev")) == dev)
            #expect(try await Skopeo.exists(registry, "my-app:4.0.0") == false)
        }
    }

    @Test("placeholder tag delete of a tag that does not exist is notFound and leaves no trace")
    func deleteUnknownTag() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.withClient { client, recorder in
                try await FixturePusher(client: client).pushImage(
                    repository: "app", tags: ["1.0"], spec: Fixture.spec("unknown-tag"))
                let start = recorder.exchanges.count
                let error = await #expect(throws: RegistryError.self) {
                    try await client.deleteTag(repository: "app", tag: "9.9.9", using: .placeholder)
                }
                #expect(error?.kind == .notFound)
                let writes = recorder.exchanges.dropFirst(start).filter {
                    ["PUT", "POST", "DELETE"].contains($0.method)
                }
                #expect(
                    writes.isEmpty,
                    "nothing written for a tag that is not there: \(writes.map { "\($0.method) \($0.url.path)" })")
                #expect(try await client.tags(repository: "app") == ["1.0"])
            }
        }
    }

    @Test("deleteManifest removes the manifest and every tag pointing to it")
    func deleteManifest() async throws {
        try await TestRegistry.with(.basic) { registry in
            let dev = try await registry.withClient { client, _ in
                try await DemoSeed.pushArticleScenario(FixturePusher(client: client))
                let dev = try #require(try await client.head(repository: "my-app", reference: "dev")).digest
                try await client.deleteManifest(repository: "my-app", digest: dev)
                #expect(try await client.head(repository: "my-app", reference: dev.description) == nil)
                #expect(try await client.head(repository: "my-app", reference: "dev") == nil)
                #expect(try await client.tags(repository: "my-app").sorted() == ["1.0.0", "2.0.0", "3.0.0", "prod"])
                let again = await #expect(throws: RegistryError.self) {
                    try await client.deleteManifest(repository: "my-app", digest: dev)
                }
                #expect(again?.kind == .notFound)
                return dev
            }
            #expect(try await Skopeo.exists(registry, "my-app@\(dev)") == false)
            #expect(
                try await Skopeo.listTags(registry, repository: "my-app").sorted() == [
                    "1.0.0", "2.0.0", "3.0.0", "prod",
                ])
        }
    }
}
