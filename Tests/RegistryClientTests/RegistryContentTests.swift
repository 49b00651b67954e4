import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// Listing and reading what a real `docker-registry` holds: pagination and every manifest kind.
@Suite("Real registry: listings and manifest kinds")
struct RegistryContentTests {
    @Test("the catalog over several pages; tags cross-checked with skopeo")
    func pagination() async throws {
        try await TestRegistry.with(.none) { registry in
            let tags = ["1.0.0", "1.1.0", "2.0.0", "2.1.0", "3.0.0", "dev", "latest"]
            let repositories = ["alpha", "beta", "delta", "gamma", "team/eta", "team/zeta", "zulu"]
            try await registry.withClient { client, recorder in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(repository: "alpha", tags: [tags[0]], spec: Fixture.spec("p"))
                for tag in tags.dropFirst() { try await pusher.retag(repository: "alpha", tag: tag, to: image.digest) }
                for repository in repositories.dropFirst() {
                    try await pusher.pushImage(repository: repository, tags: ["1"], spec: Fixture.spec(repository))
                }

                let catalogStart = recorder.exchanges.count
                #expect(try await client.repositories(pageSize: 2) == repositories)
                let catalogPages = recorder.exchanges.dropFirst(catalogStart).filter { $0.url.path == "/v2/_catalog" }
                #expect(catalogPages.count == 4, "7 repositories, 2 per page")
                #expect(catalogPages.first?.url.query == "n=2")
                #expect(
                    catalogPages.last?.url.query == "last=team/zeta&n=2"
                        || catalogPages.last?.url.query == "last=team%2Fzeta&n=2")
                #expect(try await client.repositories() == repositories, "one page when n is large")

                // distribution 2.8 ignores `n` on tag lists and answers in no particular order: whatever
                // it sends, all tags arrive. (Several tag pages over the real transport: see the stub
                // server test in RegistryErrorPathTests.)
                let tagStart = recorder.exchanges.count
                #expect(try await client.tags(repository: "alpha", pageSize: 2).sorted() == tags)
                #expect(recorder.exchanges.dropFirst(tagStart).first?.url.query == "n=2")
            }
            #expect(try await Skopeo.listTags(registry, repository: "alpha").sorted() == tags)
            let listed = try await registry.withClient { client, _ in try await client.tags(repository: "alpha") }
            #expect(try await Skopeo.listTags(registry, repository: "alpha") == listed, "same tags, same order")
        }
    }

    @Test("each manifest kind: image, index with platforms and children, OCI 1.1 referrer, cosign .sig tag")
    func manifestKinds() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.withClient { client, _ in
                let pusher = FixturePusher(client: client)
                let platforms = [
                    Platform(architecture: "amd64", os: "linux"),
                    Platform(architecture: "arm64", os: "linux", variant: "v8"),
                ]
                let pushed = try await pusher.pushIndex(
                    repository: "multi", tags: ["2.0"],
                    children: platforms.map { Fixture.spec("multi:\($0)", platform: $0) })
                let image = try await pusher.pushImage(repository: "signed", tags: ["1.0"], spec: Fixture.spec("s"))
                let referrer = try await pusher.pushReferrer(repository: "signed", subject: image, style: .tagSchema)
                let signature = try await pusher.pushReferrer(
                    repository: "signed", subject: image, style: .cosignTag(suffix: "sig"))

                // The index: its platforms and children, each child an image of its platform.
                let index = try await client.manifest(repository: "multi", reference: "2.0")
                #expect(index.kind == .index)
                #expect(index.mediaType == MediaType.ociIndex)
                #expect(index.digest == pushed.index.digest)
                #expect(index.manifests.map(\.digest) == pushed.children.map(\.digest))
                #expect(index.manifests.compactMap(\.platform) == platforms)
                for (child, platform) in zip(index.manifests, platforms) {
                    let manifest = try await client.manifest(repository: "multi", reference: child.digest.description)
                    #expect(manifest.kind == .image)
                    #expect(manifest.digest == child.digest)
                    let config = try await client.imageConfig(repository: "multi", manifest: manifest)
                    #expect(config?.platform == platform)
                    #expect(config?.created == Fixture.created)
                }

                // The image and its OCI 1.1 referrer, found through the tag-schema fallback.
                let subject = try await client.manifest(repository: "signed", reference: "1.0")
                #expect(subject.kind == .image && !subject.isReferrer)
                #expect(subject.layers.count == 1 && subject.config?.mediaType == MediaType.ociConfig)
                let found = try await client.referrers(repository: "signed", digest: image.digest)
                #expect(found.source == .tagSchema)
                #expect(found.descriptors.map(\.digest) == [referrer.digest])
                #expect(found.descriptors.first?.artifactType == "application/vnd.dev.cosign.artifact.sig.v1+json")
                let referrerManifest = try await client.manifest(
                    repository: "signed", reference: referrer.digest.description)
                #expect(referrerManifest.isReferrer)
                #expect(referrerManifest.subject?.digest == image.digest)
                #expect(referrerManifest.artifactType == "application/vnd.dev.cosign.artifact.sig.v1+json")
                #expect(try await client.imageConfig(repository: "signed", manifest: referrerManifest) == nil)

                // cosign's tag convention: found in the tag list, an image manifest of its own.
                let tags = try await client.tags(repository: "signed")
                let sigTag = image.digest.referrersTag + ".sig"
                #expect(Set(tags) == ["1.0", image.digest.referrersTag, sigTag] && tags.count == 3)
                let sig = try await client.manifest(repository: "signed", reference: sigTag)
                #expect(sig.digest == signature.digest)
                #expect(sig.kind == .image)
                #expect(sig.config?.mediaType == MediaType.ociEmpty)

                // A known tag list without the referrers tag short-cuts the lookup.
                let none = try await client.referrers(
                    repository: "multi", digest: index.digest, knownTags: ["2.0"], useAPI: false)
                #expect(none.source == .none && none.descriptors.isEmpty)
            }
        }
    }

    @Test("HEAD digest = GET digest = sha256 of the body = what skopeo gets, by tag and by digest")
    func digestsAgree() async throws {
        try await TestRegistry.with(.none) { registry in
            let (image, index) = try await registry.withClient { client, _ in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(repository: "app", tags: ["img"], spec: Fixture.spec("d"))
                let index = try await pusher.pushIndex(
                    repository: "app", tags: ["idx"],
                    children: [Fixture.spec("d1", platform: Platform(architecture: "s390x", os: "linux"))])
                for reference in ["img", "idx", image.digest.description, index.index.digest.description] {
                    let head = try #require(try await client.head(repository: "app", reference: reference))
                    let manifest = try await client.manifest(repository: "app", reference: reference)
                    #expect(head.digest == manifest.digest, "\(reference)")
                    #expect(manifest.digest == Digest.sha256(of: manifest.body), "\(reference)")
                    #expect(head.size == Int64(manifest.body.count), "\(reference)")
                    #expect(head.mediaType == manifest.mediaType, "\(reference)")
                }
                #expect(try await client.head(repository: "app", reference: "nope") == nil)
                return (image, index.index)
            }
            #expect(Digest.sha256(of: try await Skopeo.rawManifest(registry, "app:img")) == image.digest)
            #expect(Digest.sha256(of: try await Skopeo.rawManifest(registry, "app:idx")) == index.digest)
        }
    }

    @Test("a missing repository or manifest is notFound, with the registry's code")
    func notFound() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.withClient { client, _ in
                let tags = await #expect(throws: RegistryError.self) { try await client.tags(repository: "nothing") }
                #expect(tags?.kind == .notFound)
                #expect(tags?.description.contains("NAME_UNKNOWN") == true)
                let manifest = await #expect(throws: RegistryError.self) {
                    try await client.manifest(repository: "nothing", reference: "latest")
                }
                #expect(manifest?.kind == .notFound)
                #expect(manifest?.status == 404)
            }
        }
    }
}
