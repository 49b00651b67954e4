import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport

extension TestRegistry {
    /// `-r HOST` plus what this registry needs to be reached (`--ca-cert` for TLS).
    var registryArguments: [String] {
        ["-r", host] + (caCertificatePath.map { ["--ca-cert", $0] } ?? [])
    }
}

/// `skopeo`, an independent client, to check what the CLI did.
enum Skopeo {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var result: ProcessResult
        var description: String { "skopeo \(arguments.joined(separator: " ")): \(result.summary)" }
    }

    static func listTags(_ registry: TestRegistry, repository: String) async throws -> [String] {
        struct Listing: Decodable { var Tags: [String]? }
        let data = try await run(["list-tags"] + options(registry) + ["docker://\(registry.host)/\(repository)"])
        return (try JSONDecoder().decode(Listing.self, from: data).Tags ?? []).sorted()
    }

    /// The sha256 of the exact manifest bytes skopeo gets for `reference` (`repo:tag`), or nil when
    /// it is not there.
    static func digest(_ registry: TestRegistry, _ reference: String) async throws -> Digest? {
        let arguments = ["inspect", "--raw"] + options(registry) + ["docker://\(registry.host)/\(reference)"]
        let result = try await ProcessRunner.run("/usr/bin/skopeo", arguments)
        return result.status == 0 ? Digest.sha256(of: result.stdout) : nil
    }

    private static func options(_ registry: TestRegistry) -> [String] {
        var options = registry.certificateDirectory.map { ["--cert-dir", $0] } ?? ["--tls-verify=false"]
        if let username = registry.username, let password = registry.password {
            options += ["--creds", "\(username):\(password)"]
        }
        return options
    }

    private static func run(_ arguments: [String]) async throws -> Data {
        let result = try await ProcessRunner.run("/usr/bin/skopeo", arguments)
        guard result.status == 0 else { throw Failure(arguments: arguments, result: result) }
        return result.stdout
    }
}
