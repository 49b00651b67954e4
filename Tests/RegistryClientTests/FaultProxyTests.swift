import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// The fault proxy itself: faithful at rate 0 (for skopeo and for RegistryClient, whose upload
/// and pagination URLs must lead back through it), each fault kind visible to a plain client
/// sending one request, and the same seed giving the same faults.
@Suite("Fault proxy")
struct FaultProxyTests {
    @Test("at rate 0 skopeo lists tags and inspects a manifest through the proxy, and nothing is spoiled")
    func faithfulAtRateZero() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let direct = try await registry.tagMap("my-app")
            try await FaultProxy.with(registry) { proxy in
                let tags = try await skopeo(["list-tags", "docker://\(proxy.host)/my-app"])
                struct Listing: Decodable { var Tags: [String] }
                #expect(try JSONDecoder().decode(Listing.self, from: tags).Tags.sorted() == direct.keys.sorted())
                let raw = try await skopeo(["inspect", "--raw", "docker://\(proxy.host)/my-app:4.0.0"])
                #expect(Digest.sha256(of: raw) == direct["4.0.0"])
                let inspected = try await skopeo(["inspect", "docker://\(proxy.host)/my-app:dev"])
                struct Inspect: Decodable { var Digest: String }
                #expect(try JSONDecoder().decode(Inspect.self, from: inspected).Digest == direct["dev"]?.description)

                // RegistryClient through the proxy: pagination follows `Link` and an upload follows
                // `Location`, both built from the Host the client sent, so both stay on the proxy.
                let before = proxy.statistics
                try await AsyncHTTPTransport.withTransport { transport in
                    let client = RegistryClient(
                        endpoint: RegistryEndpoint(name: proxy.host, scheme: "http"), credentials: .anonymous,
                        transport: transport, retry: .never)
                    #expect(try await client.tags(repository: "my-app").sorted() == direct.keys.sorted())
                    // distribution pages the catalog by `n`: two pages for two repositories.
                    #expect(try await client.repositories(pageSize: 1) == ["another-app", "my-app"])
                    let blob = try await client.uploadBlob(repository: "my-app", data: Data("through the proxy".utf8))
                    #expect(try await client.blobExists(repository: "my-app", digest: blob.digest))
                }
                let used = proxy.statistics.since(before)
                #expect((used.requestsByMethod["GET"] ?? 0) >= 3, "\(used)")
                #expect(proxy.entries.contains { $0.uri.contains("_catalog") && $0.uri.contains("last=") })
                #expect(used.requestsByMethod["POST"] == 1 && used.requestsByMethod["PUT"] == 1, "\(used)")
                #expect(proxy.statistics.faultCount == 0)
                #expect(proxy.statistics.upstreamFailures == 0)
                #expect(proxy.faultSequence.allSatisfy { $0 == nil })
            }
        }
    }

    @Test("each fault kind is what a plain client sees", arguments: FaultKind.allCases)
    func eachKindIsObservable(kind: FaultKind) async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let real = try #require(try await registry.tagMap("my-app")["4.0.0"])
            let options = FaultProxy.Options(
                faultRate: 1, seed: 3, kinds: [kind], stallDuration: .seconds(30), retryAfterSeconds: 1...1)
            try await FaultProxy.with(registry, options: options) { proxy in
                // Generous: the timeout bounds a whole request, and the full suite loads both cores
                // (a reset once took over 5 s to reach the client there). Only a stall (30 s) may
                // reach it, and for that one it is short.
                let outcome = try await Self.getManifest(
                    through: proxy, timeout: kind == .stall ? .seconds(5) : .seconds(60))
                #expect(proxy.statistics.requests == 1)
                #expect(proxy.statistics.faults == [kind: 1])
                #expect(proxy.statistics.faultsByMethod == ["GET": 1])
                #expect(proxy.faultSequence == [kind])
                switch kind {
                case .rateLimited, .internalServerError, .badGateway, .serviceUnavailable:
                    let response = try outcome.get()
                    #expect(response.status == kind.injectedStatus)
                    struct Errors: Decodable {
                        struct Item: Decodable { var code: String }
                        var errors: [Item]
                    }
                    let errors = try JSONDecoder().decode(Errors.self, from: response.body)
                    #expect(errors.errors.count == 1)
                    if kind == .rateLimited {
                        #expect(response.header("Retry-After") == "1")
                        #expect(errors.errors.first?.code == "TOOMANYREQUESTS")
                    } else {
                        #expect(response.header("Retry-After") == nil)
                    }
                case .resetBeforeHead, .resetAfterHead, .truncatedBody:
                    #expect(throws: RegistryError.self) { try outcome.get() }
                    if case .failure(let error) = outcome { #expect(error.kind == .unreachable, "\(error)") }
                case .stall:
                    // The proxy holds the request past the client's timeout.
                    if case .failure(let error) = outcome {
                        #expect(error.kind == .timeout, "\(error)")
                    } else {
                        Issue.record("a stalled request got an answer")
                    }
                case .wrongDigest:
                    let response = try outcome.get()
                    #expect(response.status == 200)
                    #expect(Digest.sha256(of: response.body) == real)
                    let header = try #require(response.header("Docker-Content-Digest"))
                    #expect(header != real.description && header.hasPrefix("sha256:"))
                }
            }
        }
    }

    @Test("the same seed gives the same faults; another seed other faults; the client sees each one")
    func seedsRepeat() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let real = try #require(try await registry.tagMap("my-app")["4.0.0"])
            let options = FaultProxy.Options(
                faultRate: 0.5, seed: 42, stallDuration: .seconds(20), retryAfterSeconds: 0...0)
            func run(_ options: FaultProxy.Options) async throws -> [FaultKind?] {
                try await FaultProxy.with(registry, options: options) { proxy in
                    var outcomes: [Result<HTTPResponseData, RegistryError>] = []
                    for number in 0..<40 {
                        outcomes.append(
                            try await Self.getManifest(
                                through: proxy, method: number % 3 == 2 ? "HEAD" : "GET", timeout: .seconds(3)))
                    }
                    let sequence = proxy.faultSequence
                    #expect(sequence.count == 40)
                    #expect(proxy.statistics.requests == 40)
                    #expect(proxy.statistics.faultCount == sequence.compactMap { $0 }.count)
                    // What the client saw agrees with what the proxy says it did, request by request.
                    for (number, (fault, outcome)) in zip(sequence, outcomes).enumerated() {
                        let label = "request \(number): \(fault?.description ?? "none")"
                        switch (fault, outcome) {
                        case (nil, .success(let response)):
                            #expect(response.status == 200, "\(label)")
                            #expect(response.header("Docker-Content-Digest") == real.description, "\(label)")
                        case (.wrongDigest, .success(let response)):
                            #expect(response.header("Docker-Content-Digest") != real.description, "\(label)")
                        case (let kind?, .success(let response)) where kind.injectedStatus != nil:
                            #expect(response.status == kind.injectedStatus, "\(label)")
                        case (.resetBeforeHead, .failure), (.resetAfterHead, .failure), (.truncatedBody, .failure),
                            (.stall, .failure):
                            break
                        default:
                            Issue.record("\(label): the client saw \(outcome)")
                        }
                    }
                    return sequence
                }
            }
            let first = try await run(options)
            let second = try await run(options)
            var other = options
            other.seed = 43
            let third = try await run(other)
            #expect(first == second)
            #expect(first != third)
            // At 50 % over 40 requests, a sequence without faults (or only faults) would be a broken generator.
            let faults = first.compactMap { $0 }
            #expect(faults.count > 5 && faults.count < 35, "\(first)")
            #expect(Set(faults).count >= 4, "\(first)")
        }
    }

    @Test("faults only hit the methods asked for; a fixed delay slows every request down")
    func methodsAndDelay() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            let options = FaultProxy.Options(
                faultRate: 1, seed: 9, kinds: [.serviceUnavailable], methods: ["DELETE"], delay: .milliseconds(150))
            try await FaultProxy.with(registry, options: options) { proxy in
                let clock = ContinuousClock()
                let started = clock.now
                let get = try await Self.getManifest(through: proxy, timeout: .seconds(5)).get()
                let head = try await Self.getManifest(through: proxy, method: "HEAD", timeout: .seconds(5)).get()
                #expect(clock.now - started >= .milliseconds(300))
                #expect(get.status == 200 && head.status == 200)
                let digest = try #require(head.header("Docker-Content-Digest"))
                let delete = try await Self.send(
                    through: proxy, method: "DELETE", path: "/v2/my-app/manifests/\(digest)", timeout: .seconds(5)
                ).get()
                #expect(delete.status == 503)
                #expect(proxy.statistics.requestsByMethod == ["GET": 1, "HEAD": 1, "DELETE": 1])
                #expect(proxy.statistics.faultsByMethod == ["DELETE": 1])
                #expect(proxy.faultSequence == [nil, nil, .serviceUnavailable])
            }
            // The injected 503 never reached the registry: the manifest is still there.
            #expect(try await registry.tagMap("my-app")["4.0.0"] != nil)
        }
    }

    // MARK: - Helpers

    /// One request for `my-app:4.0.0`'s manifest through the proxy, on a fresh transport.
    static func getManifest(
        through proxy: FaultProxy, method: String = "GET", timeout: Duration
    ) async throws -> Result<HTTPResponseData, RegistryError> {
        try await send(through: proxy, method: method, path: "/v2/my-app/manifests/4.0.0", timeout: timeout)
    }

    static func send(
        through proxy: FaultProxy, method: String, path: String, timeout: Duration
    ) async throws -> Result<HTTPResponseData, RegistryError> {
        let url = try #require(URL(string: "http://\(proxy.host)\(path)"))
        let request = HTTPRequestData(
            method: method, url: url, headers: [("Accept", MediaType.manifestAccept.joined(separator: ", "))])
        return try await AsyncHTTPTransport.withTransport(requestTimeout: timeout) { transport in
            do {
                return .success(try await transport.send(request))
            } catch let error as RegistryError {
                return .failure(error)
            }
        }
    }

    /// Runs skopeo against a plain-HTTP host and returns its standard output.
    func skopeo(_ arguments: [String]) async throws -> Data {
        let full = [arguments[0], "--tls-verify=false"] + arguments.dropFirst()
        let result = try await ProcessRunner.run("/usr/bin/skopeo", full, timeout: .seconds(60))
        guard result.status == 0 else { throw Skopeo.Failure(arguments: full, result: result) }
        return result.stdout
    }
}
