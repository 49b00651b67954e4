import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport

extension TestRegistry {
    /// The endpoint a user would get from `-r HOST:PORT` (HTTPS when the registry has a CA).
    func endpoint() throws -> RegistryEndpoint {
        try RegistryEndpoint.parse(host, hasCACertificate: caCertificatePath != nil)
    }

    /// The registry's own user, or anonymous when it has none.
    var credentials: Credentials {
        guard let username, let password else { return .anonymous }
        return .basic(username: username, password: password)
    }

    /// Runs `body` with a client over the real transport (trusting the registry's CA), recording
    /// every exchange, and shuts the transport down afterwards.
    func withClient<T>(
        credentials: Credentials? = nil, retry: RetryPolicy = RetryPolicy(),
        _ body: (RegistryClient, RecordingTransport) async throws -> T
    ) async throws -> T {
        let endpoint = try endpoint()
        let credentials = credentials ?? self.credentials
        return try await AsyncHTTPTransport.withTransport(tls: TLSOptions(caCertificatePath: caCertificatePath)) {
            transport in
            let recorder = RecordingTransport(transport)
            let client = RegistryClient(
                endpoint: endpoint, credentials: credentials, transport: recorder, retry: retry)
            return try await body(client, recorder)
        }
    }

    /// Runs `body` with a fixture pusher using the registry's own user.
    func withPusher<T>(_ body: (FixturePusher) async throws -> T) async throws -> T {
        try await withClient { client, _ in try await body(FixturePusher(client: client)) }
    }
}

/// Fixed times, so tests can check what the registry hands back.
enum Fixture {
    static let created = DemoSeed.day(2022, 12, 18)

    static func spec(_ seed: String, created: Date? = Fixture.created, platform: Platform? = nil) -> ImageSpec {
        ImageSpec(seed: seed, created: created, platform: platform ?? Platform(architecture: "amd64", os: "linux"))
    }
}
