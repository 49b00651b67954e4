import ArgumentParser
import RegistryClient

/// The options every command that talks to a registry shares: `-r` (required) and the connection.
struct RegistryOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("registry")],
        help: "The registry: HOST[:PORT], e.g. myregistry.azurecr.io or 127.0.0.1:5000.")
    var registry: String

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try connection.endpoint(registry)
    }

    /// Runs `body` with a client for the registry, shutting the connections down afterwards.
    func withClient<T>(_ body: (RegistryClient) async throws -> T) async throws -> T {
        try await connection.withClient(registry: registry, body)
    }

    /// The endpoint `-r` names; a malformed address is a usage error (exit 64).
    func endpoint() throws -> RegistryEndpoint { try connection.endpoint(registry) }
}

/// A registry error with the transport's own words, for `--verbose`.
struct VerboseError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// `--output text|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
