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
        /// Every tag of every repository and its digest, as pushed (the registry is checked to
        /// list exactly these tags).
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

    /// Pushes `layout` into `registry` through a direct client and checks the registry lists it.
    public static func push(_ layout: Layout, into registry: TestRegistry) async throws -> Contents {
        let clock = ContinuousClock()
        let started = clock.now
        let jobs = layout.repositories.enumerated().flatMap { number, repository in
            (0..<layout.imagesPerRepository).map { job(layout, repository: repository, number: number, image: $0) }
        }
        let (tags, manifests) = try await registry.withClient(concurrency: layout.concurrency) { client in
            let pusher = FixturePusher(client: client)
            var tags: [String: [String: Digest]] = [:]
            var manifests: [String: Set<Digest>] = [:]
            var schemaTags: [(String, String)] = []
            // Blobs every job of a repository shares (the layer, the empty config of referrers)
            // go first, one push at a time: distribution was seen to fail a manifest with
            // MANIFEST_BLOB_UNKNOWN while concurrent uploads of one blob were being committed.
            var first: [String: Int] = [:]
            for (position, job) in jobs.enumerated() where first[job.repository] == nil {
                first[job.repository] = position
                _ = try await client.uploadBlob(repository: job.repository, data: Data("{}".utf8))
                let pushed = try await push(job, with: pusher)
                tags[job.repository, default: [:]].merge(pushed.tags) { _, new in new }
                manifests[job.repository, default: []].formUnion(pushed.manifests)
                schemaTags += pushed.schemaTags.map { (job.repository, $0) }
            }
            let rest = jobs.enumerated().filter { first[$0.element.repository] != $0.offset }.map(\.element)
            try await withThrowingTaskGroup(of: (Job, Pushed).self) { group in
                let jobs = rest
                var next = 0
                // A sliding window: at most `concurrency` images in flight.
                while next < min(layout.concurrency, jobs.count) {
                    let job = jobs[next]
                    group.addTask { (job, try await push(job, with: pusher)) }
                    next += 1
                }
                while let (job, pushed) = try await group.next() {
                    tags[job.repository, default: [:]].merge(pushed.tags) { _, new in new }
                    manifests[job.repository, default: []].formUnion(pushed.manifests)
                    schemaTags += pushed.schemaTags.map { (job.repository, $0) }
                    if next < jobs.count {
                        let job = jobs[next]
                        group.addTask { (job, try await push(job, with: pusher)) }
                        next += 1
                    }
                }
            }
            // Only the tag-schema indexes are not known from the pushes: resolve those.
            for (repository, tag) in schemaTags {
                guard let digest = try await client.head(repository: repository, reference: tag)?.digest else {
                    throw TestRegistryError.toolFailed(
                        command: "seeding \(repository):\(tag)", status: 1, output: "the tag-schema index is missing")
                }
                tags[repository, default: [:]][tag] = digest
                manifests[repository, default: []].insert(digest)
            }
            // The registry lists exactly the tags pushed.
            for repository in layout.repositories {
                let listed = Set(try await client.tags(repository: repository))
                let expected = Set((tags[repository] ?? [:]).keys)
                guard listed == expected else {
                    throw TestRegistryError.toolFailed(
                        command: "seeding \(repository)", status: 1,
                        output: "the registry lists \(listed.count) tags, \(expected.count) were pushed")
                }
            }
            return (tags, manifests)
        }
        let keep = try Regex(keepPattern)
        let kept = tags.mapValues { Set($0.keys.filter { $0.contains(keep) }) }
        return Contents(tags: tags, manifests: manifests, keptTags: kept, duration: clock.now - started)
    }

    /// What one job pushed.
    struct Pushed: Sendable {
        var tags: [String: Digest] = [:]
        var manifests: [Digest] = []
        /// `sha256-<hex>` tags of tag-schema indexes, whose digests the pusher does not return.
        var schemaTags: [String] = []
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

    /// Pushes one job: its image or index, its tags, its referrers.
    static func push(_ job: Job, with pusher: FixturePusher) async throws -> Pushed {
        var pushed = Pushed()
        let subject: Descriptor
        if job.isIndex {
            let index = try await pusher.pushIndex(repository: job.repository, tags: job.tags, children: job.specs)
            subject = index.index
            pushed.manifests += [index.index.digest] + index.children.map(\.digest)
        } else if let spec = job.specs.first {
            subject = try await pusher.pushImage(repository: job.repository, tags: job.tags, spec: spec)
            pushed.manifests.append(subject.digest)
        } else {
            return pushed
        }
        for tag in job.tags { pushed.tags[tag] = subject.digest }
        if job.cosign {
            let signature = try await pusher.pushReferrer(
                repository: job.repository, subject: subject, style: .cosignTag(suffix: "sig"))
            pushed.manifests.append(signature.digest)
            pushed.tags[subject.digest.referrersTag + ".sig"] = signature.digest
        }
        if job.tagSchema {
            let referrer = try await pusher.pushReferrer(
                repository: job.repository, subject: subject, style: .tagSchema)
            pushed.manifests.append(referrer.digest)
            pushed.schemaTags.append(subject.digest.referrersTag)
        }
        return pushed
    }
}
