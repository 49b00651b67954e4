import Foundation
import RegistryClient
import RegistryFixtures

extension TestRegistry {
    /// The endpoint a client should use for this instance (HTTPS in TLS modes).
    public var endpoint: RegistryEndpoint {
        RegistryEndpoint(name: host, scheme: mode.usesTLS ? "https" : "http")
    }

    /// The instance's own credentials, or anonymous.
    public var credentials: Credentials {
        guard let username, let password else { return .anonymous }
        return .basic(username: username, password: password)
    }

    /// Runs `body` with a real client (AsyncHTTPClient transport) for this registry, trusting its CA.
    public func withClient<T>(
        credentials override: Credentials? = nil, concurrency: Int = 8, retry: RetryPolicy = RetryPolicy(),
        _ body: (RegistryClient) async throws -> T
    ) async throws -> T {
        try await AsyncHTTPTransport.withTransport(tls: TLSOptions(caCertificatePath: caCertificatePath)) { transport in
            let client = RegistryClient(
                endpoint: endpoint, credentials: override ?? credentials, transport: transport,
                concurrency: concurrency,
                retry: retry)
            return try await body(client)
        }
    }

    /// Seeds the article's scenario (my-app and another-app) through the real API.
    public func seedArticleScenario() async throws {
        try await withClient { client in try await DemoSeed.pushArticleScenario(FixturePusher(client: client)) }
    }

    /// Every tag of a repository and the digest it resolves to now, read through the registry API.
    public func tagMap(_ repository: String) async throws -> [String: Digest] {
        try await withClient { client in
            var map: [String: Digest] = [:]
            for tag in try await client.tags(repository: repository) {
                map[tag] = try await client.head(repository: repository, reference: tag)?.digest
            }
            return map
        }
    }

    /// The tags `skopeo list-tags` sees: an independent client's view, sorted.
    public func skopeoTags(_ repository: String) async throws -> [String] {
        var arguments = ["list-tags"]
        if let certificateDirectory {
            arguments += ["--cert-dir", certificateDirectory]
        } else {
            arguments += ["--tls-verify=false"]
        }
        if let username, let password { arguments += ["--creds", "\(username):\(password)"] }
        arguments.append("docker://\(host)/\(repository)")
        let output = try await ToolRunner.run("/usr/bin/skopeo", arguments)
        struct Listing: Decodable { var Tags: [String]? }
        return (try JSONDecoder().decode(Listing.self, from: Data(output.utf8)).Tags ?? []).sorted()
    }
}
