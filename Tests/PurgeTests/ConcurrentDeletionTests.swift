import Foundation
import Purge
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// Watches every request on its way to the real registry: which DELETEs went out, in what order,
/// how many were in flight at once, and whether each one's journal entry was on disk first.
private final class DeletionWatcher: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    let journalPath: String
    private let lock = NSLock()
    private var inFlight = 0
    private(set) var maxInFlight = 0
    private(set) var deletes: [String] = []
    private(set) var unjournaled: [String] = []

    init(inner: any HTTPTransport, journalPath: String) {
        self.inner = inner
        self.journalPath = journalPath
    }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        let isDelete = request.method == "DELETE"
        if isDelete {
            let digest = String(request.url.path.split(separator: "/").last ?? "")
            let journal = (try? String(contentsOfFile: journalPath, encoding: .utf8)) ?? ""
            lock.withLock {
                deletes.append(digest)
                if !journal.contains(digest) { unjournaled.append(digest) }
                inFlight += 1
                maxInFlight = max(maxInFlight, inFlight)
            }
        }
        defer { if isDelete { lock.withLock { inFlight -= 1 } } }
        return try await inner.send(request)
    }
}

/// Records every request by repository, and holds each DELETE until DELETEs of two repositories
/// have been seen (or `patience` runs out, once: then it stops holding). An executor that deleted
/// one repository after another would have the first wait out its patience.
private final class RepositoryWatcher: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    let journalPath: String
    let patience: Duration
    private let lock = NSLock()
    private(set) var requests: [(repository: String, method: String, reference: String)] = []
    private(set) var unjournaled: [String] = []
    private(set) var ranOutOfPatience = false
    private var deletingIn = Set<String>()

    init(inner: any HTTPTransport, journalPath: String, patience: Duration) {
        self.inner = inner
        self.journalPath = journalPath
        self.patience = patience
    }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        // /v2/<repository>/manifests/<reference> or /v2/<repository>/tags/list
        let parts = request.url.path.split(separator: "/").map(String.init)
        let repository = parts.count >= 4 ? parts[1] : ""
        let reference = parts.last ?? ""
        if request.method == "DELETE" {
            let journal = (try? String(contentsOfFile: journalPath, encoding: .utf8)) ?? ""
            lock.withLock {
                if !journal.contains(reference) { unjournaled.append(reference) }
                deletingIn.insert(repository)
            }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: patience)
            while lock.withLock({ deletingIn.count < 2 && !ranOutOfPatience }) {
                if clock.now >= deadline {
                    lock.withLock { ranOutOfPatience = true }
                    break
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        lock.withLock { requests.append((repository, request.method, reference)) }
        return try await inner.send(request)
    }
}

/// Sends each DELETE of `digests` twice and answers with the second reply: the first did delete,
/// and its answer was lost on the way back (a reset after the registry acted), so the client's
/// retry is told "not found".
private final class LostAnswers: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    let digests: Set<String>

    init(inner: any HTTPTransport, digests: Set<String>) {
        self.inner = inner
        self.digests = digests
    }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        let last = String(request.url.path.split(separator: "/").last ?? "")
        guard request.method == "DELETE", digests.contains(last) else { return try await inner.send(request) }
        let first = try await inner.send(request)
        guard first.status == 202 else { return first }
        return try await inner.send(request)
    }
}

@Suite("Concurrent deletion")
struct ConcurrentDeletionTests {
    @Test("phases keep their order, deletions overlap within a phase, and each is journaled before it is sent")
    func orderAndJournal() async throws {
        try await TestRegistry.with(.none) { registry in
            var subjects: [Descriptor] = []
            var indexes: [Descriptor] = []
            try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                for number in 0..<12 {
                    let image = try await pusher.pushImage(
                        repository: "app", tags: ["v\(number)"],
                        spec: ImageSpec(seed: "concurrent-\(number)", created: DemoSeed.day(2023, 1, 1)))
                    subjects.append(image)
                    _ = try await pusher.pushReferrer(
                        repository: "app", subject: image, style: .cosignTag(suffix: "sig"))
                }
                for number in 0..<3 {
                    indexes.append(
                        try await pusher.pushIndex(
                            repository: "app", tags: ["multi\(number)"],
                            children: [
                                ImageSpec(seed: "amd64-\(number)", created: DemoSeed.day(2023, 1, 1)),
                                ImageSpec(
                                    seed: "arm64-\(number)", created: DemoSeed.day(2023, 1, 1),
                                    platform: Platform(architecture: "arm64", os: "linux")),
                            ]
                        ).index)
                }
            }
            let live = LivePurge(registry: registry)
            let (plan, inventory) = try await live.plan(["app"], filters: ["app:.*"], untagged: true)
            let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent(
                "journal-\(UUID().uuidString).jsonl"
            ).path
            defer { try? FileManager.default.removeItem(atPath: journalPath) }
            let repository = try #require(inventory["app"])
            let referrers = Set(repository.manifests.values.filter { $0.subject != nil }.map(\.digest.description))
            let indexDigests = Set(indexes.map(\.digest.description))

            let (watcher, result) = try await AsyncHTTPTransport.withTransport { transport in
                let watcher = DeletionWatcher(inner: transport, journalPath: journalPath)
                let client = RegistryClient(endpoint: registry.endpoint, transport: watcher, concurrency: 8)
                let executor = PurgeExecutor(client: client, journal: try Journal(path: journalPath), parallelism: 8)
                return (watcher, await executor.execute(plan: plan, inventory: inventory))
            }
            #expect(result.succeeded, "\(result.leftUndone)")
            #expect(result.deletedManifests.count == plan.manifestCount)
            #expect(watcher.unjournaled.isEmpty, "sent before journaled: \(watcher.unjournaled)")
            #expect(watcher.maxInFlight > 1, "deletions overlap within a phase")
            // Referrers, then indexes, then images: the last of one phase before the first of the next.
            let manifestDeletes = watcher.deletes.filter { $0.hasPrefix("sha256:") }
            let phase = { (digest: String) -> Int in
                referrers.contains(digest) ? 0 : (indexDigests.contains(digest) ? 1 : 2)
            }
            let phases = manifestDeletes.map(phase)
            #expect(phases == phases.sorted(), "phases out of order: \(phases)")
            #expect(Set(phases) == [0, 1, 2])
            let left = try await registry.withClient { client in
                try await client.head(repository: "app", reference: "v0")
            }
            #expect(left == nil)
        }
    }

    @Test("repositories are deleted in side by side, each in its own safe order, with one full re-check each")
    func repositoriesSideBySide() async throws {
        let names = ["alpha", "beta", "gamma"]
        try await TestRegistry.with(.none) { registry in
            var referrers = Set<String>()
            var indexes = Set<String>()
            try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                for name in names {
                    for number in 0..<5 {
                        let image = try await pusher.pushImage(
                            repository: name, tags: ["v\(number)"],
                            spec: ImageSpec(seed: "\(name)-\(number)", created: DemoSeed.day(2023, 1, 1)))
                        let signature = try await pusher.pushReferrer(
                            repository: name, subject: image, style: .cosignTag(suffix: "sig"))
                        referrers.insert(signature.digest.description)
                    }
                    let index = try await pusher.pushIndex(
                        repository: name, tags: ["multi"],
                        children: [
                            ImageSpec(seed: "\(name)-amd64", created: DemoSeed.day(2023, 1, 1)),
                            ImageSpec(
                                seed: "\(name)-arm64", created: DemoSeed.day(2023, 1, 1),
                                platform: Platform(architecture: "arm64", os: "linux")),
                        ])
                    indexes.insert(index.index.digest.description)
                }
            }
            let live = LivePurge(registry: registry)
            let (plan, inventory) = try await live.plan(names, filters: [".*:.*"], untagged: true)
            let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent(
                "journal-\(UUID().uuidString).jsonl"
            ).path
            defer { try? FileManager.default.removeItem(atPath: journalPath) }

            let (watcher, result) = try await AsyncHTTPTransport.withTransport { transport in
                let watcher = RepositoryWatcher(inner: transport, journalPath: journalPath, patience: .seconds(20))
                let client = RegistryClient(endpoint: registry.endpoint, transport: watcher, concurrency: 8)
                let executor = PurgeExecutor(
                    client: client, journal: try Journal(path: journalPath), parallelism: 4, repositoryParallelism: 3)
                return (watcher, await executor.execute(plan: plan, inventory: inventory))
            }
            #expect(result.succeeded, "\(result.leftUndone)")
            #expect(result.deletedManifests.count == plan.manifestCount)
            #expect(!watcher.ranOutOfPatience, "one repository's DELETEs waited for another's to begin")
            #expect(watcher.unjournaled.isEmpty, "sent before journaled: \(watcher.unjournaled)")
            // The result lists repositories in the plan's order, whatever order they finished in.
            let order = result.items.map(\.repository).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
            #expect(order == names)
            for name in names {
                let requests = watcher.requests.filter { $0.repository == name }
                // Referrers, then indexes, then images, within the repository.
                let phases = requests.filter { $0.method == "DELETE" && $0.reference.hasPrefix("sha256:") }.map {
                    referrers.contains($0.reference) ? 0 : (indexes.contains($0.reference) ? 1 : 2)
                }
                #expect(phases == phases.sorted(), "\(name): phases out of order: \(phases)")
                #expect(Set(phases) == [0, 1, 2], "\(name)")
                // One HEAD per tag (the re-check before the repository's first phase); later phases
                // and chunks list the tags and find nothing new to resolve. (HEADs by digest are the
                // client's look after a DELETE.)
                let tagCount = try #require(inventory[name]).tags.count + inventory[name]!.referrerTags.count
                let heads = requests.filter { $0.method == "HEAD" && !$0.reference.hasPrefix("sha256:") }
                #expect(heads.count == tagCount, "\(name): \(heads.count) HEADs for \(tagCount) tags")
                #expect(Set(heads.map(\.reference)).count == tagCount, "\(name): a tag resolved twice")
            }
            let left = try await registry.withClient { client in try await client.tags(repository: "beta") }
            #expect(left.isEmpty)
        }
    }

    @Test("a referrer whose DELETE was answered 'not found' after it went does not hold back its subject")
    func lostAnswerOfAReferrersDelete() async throws {
        try await TestRegistry.with(.none) { registry in
            var signatures = Set<String>()
            var subjects: [String] = []
            try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                for number in 0..<3 {
                    let image = try await pusher.pushImage(
                        repository: "app", tags: ["v\(number)"],
                        spec: ImageSpec(seed: "lost-\(number)", created: DemoSeed.day(2023, 1, 1)))
                    subjects.append(image.digest.description)
                    let signature = try await pusher.pushReferrer(
                        repository: "app", subject: image, style: .cosignTag(suffix: "sig"))
                    signatures.insert(signature.digest.description)
                }
            }
            let (plan, inventory) = try await LivePurge(registry: registry).plan(
                ["app"], filters: ["app:.*"], untagged: true)
            let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent(
                "journal-\(UUID().uuidString).jsonl"
            ).path
            defer { try? FileManager.default.removeItem(atPath: journalPath) }
            let result = try await AsyncHTTPTransport.withTransport { transport in
                let client = RegistryClient(
                    endpoint: registry.endpoint, transport: LostAnswers(inner: transport, digests: signatures))
                let executor = PurgeExecutor(client: client, journal: try Journal(path: journalPath))
                return await executor.execute(plan: plan, inventory: inventory)
            }
            #expect(result.succeeded, "\(result.leftUndone)")
            let outcomes = Dictionary(uniqueKeysWithValues: result.items.map { ($0.target, $0.outcome) })
            for signature in signatures {
                let digest = try #require(Digest(signature))
                #expect(outcomes[.manifest(digest)] == .alreadyGone)
            }
            // Their tags went with them: the re-check before the images sees that, and the images go.
            for subject in subjects {
                let digest = try #require(Digest(subject))
                #expect(outcomes[.manifest(digest)] == .deleted, "\(String(describing: outcomes[.manifest(digest)]))")
            }
            let left = try await registry.withClient { client in try await client.tags(repository: "app") }
            #expect(left.isEmpty)
        }
    }
}
