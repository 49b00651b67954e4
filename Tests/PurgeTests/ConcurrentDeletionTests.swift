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
}
