import Foundation
import Purge
import RegistryClient
import RegistryTestSupport
import Testing

/// Counts the requests a real transport sends, by method and kind of path.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequestData) async throws(RegistryError) -> HTTPResponseData {
        let path = request.url.path
        let kind =
            path.contains("/manifests/sha256:")
            ? "manifest-by-digest"
            : path.contains("/manifests/") ? "manifest-by-tag" : path.contains("/blobs/") ? "blob" : "other"
        lock.withLock { counts["\(request.method) \(kind)", default: 0] += 1 }
        return try await inner.send(request)
    }

    func count(_ key: String) -> Int { lock.withLock { counts[key] ?? 0 } }

    func reset() { lock.withLock { counts = [:] } }
}

@Suite struct InventoryCacheTests {
    @Test func aSecondRunOnlyRelistsAndResolves() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await AsyncHTTPTransport.withTransport { real in
                let transport = CountingTransport(real)
                let client = RegistryClient(endpoint: registry.endpoint, transport: transport)
                let loader = InventoryLoader(client: client, cache: ContentCache(directory: directory))
                let first = try await loader.load(repository: "my-app")
                // Cold: one GET by tag brings digest and body at once; nothing is fetched twice.
                #expect(transport.count("GET manifest-by-tag") == 6)
                #expect(transport.count("HEAD manifest-by-tag") == 0)
                #expect(transport.count("GET manifest-by-digest") == 0)
                #expect(transport.count("GET blob") == 5)
                transport.reset()
                let second = try await loader.load(repository: "my-app")
                #expect(transport.count("GET manifest-by-digest") == 0)
                #expect(transport.count("GET blob") == 0)
                // Warm: a HEAD per tag the last load saw, and nothing else.
                #expect(transport.count("HEAD manifest-by-tag") == 6)
                #expect(transport.count("GET manifest-by-tag") == 0)
                #expect(second.tags == first.tags)
                #expect(second.manifests.mapValues(\.time) == first.manifests.mapValues(\.time))
            }
        }
    }

    @Test func theJournalReadsManifestBytesFromTheCacheElseTheRegistry() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let journalPath = directory.appendingPathComponent("journal.jsonl").path
            try await AsyncHTTPTransport.withTransport { real in
                let transport = CountingTransport(real)
                let client = RegistryClient(endpoint: registry.endpoint, transport: transport)
                let cache = ContentCache(directory: directory)
                let inventory = Inventory(
                    registry: registry.host,
                    repositories: [try await InventoryLoader(client: client, cache: cache).load(repository: "my-app")])
                // The inventory keeps sizes, not bytes.
                #expect(inventory["my-app"]?.manifests.values.allSatisfy { $0.bodySize > 0 } == true)
                let policy = try PurgePolicy.parse(filters: ["my-app:^[12]\\."], ago: "0d", untagged: true)
                let plan = Planner.plan(inventory: inventory, policy: policy, now: Date())
                #expect(plan.manifestCount == 2)
                // One manifest's cache entry is lost: its bytes come from the registry, by digest.
                let lost = try #require(plan.repositories.first?.manifestsToDelete.first?.digest)
                try FileManager.default.removeItem(
                    at: directory.appendingPathComponent("blobs/sha256/\(lost.hex.prefix(2))/\(lost.hex)"))
                transport.reset()
                let result = await PurgeExecutor(client: client, journal: try Journal(path: journalPath), cache: cache)
                    .execute(plan: plan, inventory: inventory)
                #expect(result.succeeded)
                #expect(transport.count("GET manifest-by-digest") == 1)
                let entries = try Journal.read(path: journalPath)
                #expect(entries.count == 2)
                // Each entry holds exactly the bytes of its digest: restore can put it back.
                #expect(entries.allSatisfy { !$0.manifest.isEmpty && $0.digest.matches($0.manifest) })
            }
        }
    }

    @Test func cacheFilesAreTheUsersOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = ContentCache(directory: directory)
        let body = Data("{}".utf8)
        let digest = Digest.sha256(of: body)
        cache.write(digest, body: body, mediaType: MediaType.ociManifest)
        cache.writeTagHints(["1.0": digest], registry: "127.0.0.1:5000", repository: "team/app")
        #expect(cache.tagHints(registry: "127.0.0.1:5000", repository: "team/app") == ["1.0": digest])
        #expect(cache.tagHints(registry: "127.0.0.1:5000", repository: "../escape").isEmpty)
        let file = directory.appendingPathComponent("blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)")
        let fileMode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        let folderMode =
            try FileManager.default.attributesOfItem(atPath: file.deletingLastPathComponent().path)[
                .posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
    }

    @Test func aManifestsTypeIsStoredOnlyWhereItsBodyDoesNotSayIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = ContentCache(directory: directory)
        let config = "sha256:" + String(repeating: "c", count: 64)
        let bare = Data(#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"\#(config)","size":1}}"#.utf8)
        let declaring = Data(
            #"{"schemaVersion":2,"mediaType":"\#(MediaType.dockerManifest)","config":{"mediaType":"x","digest":"\#(config)","size":1}}"#
                .utf8)
        for (body, contentType, stored) in [
            (bare, MediaType.dockerManifest, MediaType.dockerManifest), (declaring, MediaType.dockerManifest, nil),
        ] {
            let digest = Digest.sha256(of: body)
            let manifest = try Manifest(body: body, digest: digest, contentType: contentType)
            cache.write(manifest)
            let cached = try #require(cache.read(digest))
            #expect(cached.body == body)
            #expect(cached.mediaType == stored)
            let again = try Manifest(body: cached.body, digest: digest, contentType: cached.mediaType)
            #expect(again.mediaType == MediaType.dockerManifest)
            #expect(again.kind == .image)
        }
    }

    @Test func aDamagedCacheEntryIsAMiss() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = ContentCache(directory: directory)
        let body = Data("{\"schemaVersion\":2}".utf8)
        let digest = Digest.sha256(of: body)
        cache.write(digest, body: body, mediaType: MediaType.ociManifest)
        #expect(cache.read(digest)?.body == body)
        #expect(cache.read(digest)?.mediaType == MediaType.ociManifest)
        #expect(cache.readBody(digest) == body)
        let file = directory.appendingPathComponent("blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)")
        try Data("tampered".utf8).write(to: file)
        #expect(cache.read(digest) == nil)
        #expect(cache.readBody(digest) == nil)
        #expect(cache.readBody(Digest.sha256(of: Data("absent".utf8))) == nil)
    }
}
