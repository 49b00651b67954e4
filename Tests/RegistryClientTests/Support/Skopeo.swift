import Foundation
import RegistryTestSupport

/// `skopeo`, an independent registry client, to cross-check what RegistryClient sees.
enum Skopeo {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var result: ProcessResult
        var description: String {
            "skopeo \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderrText)"
        }
    }

    /// The tags of `repository`, as `skopeo list-tags` reports them.
    static func listTags(_ registry: TestRegistry, repository: String) async throws -> [String] {
        struct Listing: Decodable { var Tags: [String]? }
        let data = try await run(["list-tags"] + options(registry) + ["docker://\(registry.host)/\(repository)"])
        return try JSONDecoder().decode(Listing.self, from: data).Tags ?? []
    }

    /// The exact manifest bytes `skopeo inspect --raw` gets for `reference` (`repo:tag` or `repo@digest`).
    static func rawManifest(_ registry: TestRegistry, _ reference: String) async throws -> Data {
        try await run(["inspect", "--raw"] + options(registry) + ["docker://\(registry.host)/\(reference)"])
    }

    /// Whether `skopeo inspect --raw` finds `reference` at all.
    static func exists(_ registry: TestRegistry, _ reference: String) async throws -> Bool {
        let arguments = ["inspect", "--raw"] + options(registry) + ["docker://\(registry.host)/\(reference)"]
        return try await ProcessRunner.run("/usr/bin/skopeo", arguments).status == 0
    }

    private static func options(_ registry: TestRegistry) -> [String] {
        var options: [String] = []
        if let certificates = registry.certificateDirectory {
            options += ["--cert-dir", certificates]
        } else {
            options += ["--tls-verify=false"]
        }
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
