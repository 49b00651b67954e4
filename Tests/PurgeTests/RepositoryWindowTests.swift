import Foundation
import Purge
import RegistryClient
import RegistryTestSupport
import Testing

/// Records which repositories have requests in flight at each moment, holding every request a few
/// milliseconds so that the loads that run at once are sure to overlap.
private final class RepositorySpread: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    private let lock = NSLock()
    private var inFlight: [String: Int] = [:]
    private(set) var mostAtOnce = 0
    private(set) var seen = Set<String>()

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        // `/v2/<name>/tags/list`, `/v2/<name>/manifests/<ref>`, `/v2/<name>/blobs/<digest>`.
        let parts = request.url.path.split(separator: "/").map(String.init)
        let marker = parts.lastIndex { $0 == "tags" || $0 == "manifests" || $0 == "blobs" }
        let repository = marker.map { parts[1..<$0].joined(separator: "/") }
        if let repository {
            lock.withLock {
                inFlight[repository, default: 0] += 1
                seen.insert(repository)
                mostAtOnce = max(mostAtOnce, inFlight.count)
            }
        }
        defer {
            if let repository {
                lock.withLock {
                    inFlight[repository, default: 1] -= 1
                    if inFlight[repository] == 0 { inFlight[repository] = nil }
                }
            }
        }
        try? await Task.sleep(for: .milliseconds(3))
        return try await inner.send(request)
    }
}

@Suite("Loading many repositories")
struct RepositoryWindowTests {
    @Test("a few repositories at a time, each loaded whole, the others after")
    func aFewAtATime() async throws {
        let names = (1...8).map { "service-\($0)" }
        let layout = BulkSeed.Layout(repositories: names, imagesPerRepository: 8)
        try await TestRegistry.with { registry in
            let seeded = try await BulkSeed.push(layout, into: registry)
            try await AsyncHTTPTransport.withTransport { real in
                let spread = RepositorySpread(real)
                let client = RegistryClient(endpoint: registry.endpoint, transport: spread, concurrency: 8)
                let inventory = try await InventoryLoader(client: client).load(repositories: names)
                #expect(inventory.repositories.map(\.name) == names.sorted())
                for repository in inventory.repositories {
                    let tags = repository.tags.merging(repository.referrerTags) { first, _ in first }
                    #expect(tags == seeded.tags[repository.name])
                }
                #expect(spread.seen == Set(names))
                // All eight at once would have every repository's requests in flight together.
                #expect(spread.mostAtOnce <= InventoryLoader.repositoryWindow)
                #expect(spread.mostAtOnce >= 2)
            }
        }
    }
}
