import Foundation
import RegistryClient
import RegistryFixtures

/// A registry's worth of realistic content for soak, race and interruption tests, pushed fast.
///
/// Per repository: images (every `indexEvery`-th one a two-platform index), every `aliasEvery`-th
/// with a second tag on the same manifest, cosign-style `.sig` tags and tag-schema (`sha256-<hex>`)
/// referrer indexes on some, `created` times spread evenly over `span`, and three tags the soak
/// filter must keep: `prod` (a second tag of an ordinary image, so that image's own tag has to be
/// removed alone), `keep-lts` (a second tag of a signed image) and `dev` (the newest image).
///
/// Speed: every image of a repository shares one small layer (its config, with a label of its
/// own, keeps its digest unique), so an image costs one blob upload instead of two; pushes run
/// `concurrency` at a time. For identical registries, seed one and start the others with
/// `TestRegistry.with(copyingStorageOf:)`.
public enum BulkSeed {
    /// What to push.
    public struct Layout: Sendable {
        public var repositories: [String]
        /// Images per repository, indexes included (each index brings two child images).
        public var imagesPerRepository: Int
        /// Every n-th image gets a second tag (n = 4: one tag in five shares a manifest).
        public var aliasEvery: Int
        /// Every n-th image is a multi-arch index.
        public var indexEvery: Int
        /// Every n-th image gets a cosign `.sig` tag.
        public var cosignEvery: Int
        /// Every n-th image gets an OCI referrer listed in a tag-schema index.
        public var tagSchemaEvery: Int
        /// The `created` times run from `now - span` to `now`.
        public var span: TimeInterval
        public var now: Date
        /// Pushes in flight.
        public var concurrency: Int

        public init(
            repositories: [String], imagesPerRepository: Int, aliasEvery: Int = 4, indexEvery: Int = 10,
            cosignEvery: Int = 8, tagSchemaEvery: Int = 12, span: TimeInterval = 2 * 365 * 86400, now: Date = Date(),
            concurrency: Int = 16
        ) {
            self.repositories = repositories
            self.imagesPerRepository = max(8, imagesPerRepository)
            self.aliasEvery = max(2, aliasEvery)
            self.indexEvery = max(2, indexEvery)
            self.cosignEvery = max(2, cosignEvery)
            self.tagSchemaEvery = max(2, tagSchemaEvery)
            self.span = span
            self.now = now
            self.concurrency = max(1, concurrency)
        }

        /// About 2,000 tags in six repositories.
        public static func soak(now: Date = Date()) -> Layout {
            Layout(
                repositories: ["api", "batch", "billing", "frontend", "tools", "worker"], imagesPerRepository: 228,
                now: now)
        }

        /// The same shape, small: about 60 tags in two repositories.
        public static func small(now: Date = Date()) -> Layout {
            Layout(repositories: ["alpha", "beta"], imagesPerRepository: 20, now: now)
        }
    }

    /// What was pushed, and what the registry lists afterwards.
    public struct Contents: Sendable {
        /// Every tag of every repository and its digest, as listed after seeding.
        public var tags: [String: [String: Digest]]
        /// Every manifest of every repository: images, index children, indexes, referrers, and
        /// tag-schema indexes.
        public var manifests: [String: Set<Digest>]
        /// The tags matching `keepPattern`, per repository.
        public var keptTags: [String: Set<String>]
        /// How long pushing and listing took.
        public var duration: Duration

        public var repositories: [String] { tags.keys.sorted() }
        public var tagCount: Int { tags.values.reduce(0) { $0 + $1.count } }
        public var manifestCount: Int { manifests.values.reduce(0) { $0 + $1.count } }

        /// The state right after seeding, for comparisons.
        public var snapshot: RegistrySnapshot { RegistrySnapshot(tags: tags, manifests: manifests) }
    }

    /// The tag words the soak filter keeps.
    public static let keepPattern = "prod|dev|keep"
    /// The soak's purge filter: every repository, every tag that does not contain a keep word.
    public static let purgeFilter = ".*:^((?!prod|dev|keep).)*$"

    /// Pushes `layout` into `registry` through a direct client and lists the result.
    public static func push(_ layout: Layout, into registry: TestRegistry) async throws -> Contents {
        let clock = ContinuousClock()
        let started = clock.now
        let jobs = layout.repositories.enumerated().flatMap { number, repository in
            (0..<layout.imagesPerRepository).map { job(layout, repository: repository, number: number, image: $0) }
        }
        let pushed = try await registry.withClient(concurrency: layout.concurrency) { client in
            let pusher = FixturePusher(client: client)
            return try await withThrowingTaskGroup(of: (String, [Digest]).self) { group in
                var next = 0
                var pushed: [String: Set<Digest>] = [:]
                // A sliding window: at most `concurrency` images in flight.
                while next < min(layout.concurrency, jobs.count) {
                    let job = jobs[next]
                    group.addTask { (job.repository, try await push(job, with: pusher)) }
                    next += 1
                }
                while let (repository, digests) = try await group.next() {
                    pushed[repository, default: []].formUnion(digests)
                    if next < jobs.count {
                        let job = jobs[next]
                        group.addTask { (job.repository, try await push(job, with: pusher)) }
                        next += 1
                    }
                }
                return pushed
            }
        }
        let listed = try await RegistrySnapshot.take(
            registry, repositories: layout.repositories, probing: [:], concurrency: layout.concurrency)
        var manifests = pushed
        for (repository, tags) in listed.tags { manifests[repository, default: []].formUnion(tags.values) }
        let keep = try Regex(keepPattern)
        let kept = listed.tags.mapValues { Set($0.keys.filter { $0.contains(keep) }) }
        return Contents(tags: listed.tags, manifests: manifests, keptTags: kept, duration: clock.now - started)
    }

    /// One image (or index) with its tags and referrers.
    struct Job: Sendable {
        var repository: String
        var tags: [String]
        var specs: [ImageSpec]
        var isIndex: Bool
        var cosign: Bool
        var tagSchema: Bool
    }

    static func job(_ layout: Layout, repository: String, number: Int, image k: Int) -> Job {
        let count = layout.imagesPerRepository
        // Interleave the repositories' times, all within the span, oldest first.
        let fraction = (Double(k) + Double(number) / Double(max(1, layout.repositories.count))) / Double(count)
        let created = layout.now.addingTimeInterval(-layout.span * (1 - fraction) - 3600)
        var tags = ["1.\(k).0"]
        if k % layout.aliasEvery == 1 {
            let hex = Digest.sha256(of: Data("\(repository):\(k)".utf8)).hex.prefix(10)
            tags.append("sha-\(hex)")
        }
        let prod = count / 2 - (count / 2 % layout.aliasEvery == 1 ? 1 : 0)
        if k == prod { tags.append("prod") }
        let keepLTS = firstIndex(atLeast: count / 4, every: layout.cosignEvery, offset: 3)
        if k == keepLTS { tags.append("keep-lts") }
        if k == count - 1 { tags.append("dev") }
        let isIndex = k % layout.indexEvery == layout.indexEvery - 1 && k != keepLTS && k != prod
        let platforms =
            isIndex
            ? [
                Platform(architecture: "amd64", os: "linux"),
                Platform(architecture: "arm64", os: "linux", variant: "v8"),
            ]
            : [Platform(architecture: "amd64", os: "linux")]
        let specs = platforms.map { platform in
            ImageSpec(
                seed: "bulk:\(repository)", created: created, platform: platform, layerBytes: 64,
                labels: ["io.regsweep.bulk": "\(repository):\(k):\(platform.architecture)"])
        }
        return Job(
            repository: repository, tags: tags, specs: specs, isIndex: isIndex,
            cosign: k % layout.cosignEvery == 3, tagSchema: k % layout.tagSchemaEvery == 5)
    }

    private static func firstIndex(atLeast start: Int, every: Int, offset: Int) -> Int {
        var k = start
        while k % every != offset { k += 1 }
        return k
    }

    /// Pushes one job and returns the digests of every manifest it made (tag-schema indexes come
    /// from the listing afterwards).
    static func push(_ job: Job, with pusher: FixturePusher) async throws -> [Digest] {
        var digests: [Digest] = []
        let subject: Descriptor
        if job.isIndex {
            let pushed = try await pusher.pushIndex(repository: job.repository, tags: job.tags, children: job.specs)
            subject = pushed.index
            digests += [pushed.index.digest] + pushed.children.map(\.digest)
        } else if let spec = job.specs.first {
            subject = try await pusher.pushImage(repository: job.repository, tags: job.tags, spec: spec)
            digests.append(subject.digest)
        } else {
            return []
        }
        if job.cosign {
            digests.append(
                try await pusher.pushReferrer(
                    repository: job.repository, subject: subject, style: .cosignTag(suffix: "sig")
                )
                .digest)
        }
        if job.tagSchema {
            digests.append(
                try await pusher.pushReferrer(repository: job.repository, subject: subject, style: .tagSchema).digest)
        }
        return digests
    }
}
