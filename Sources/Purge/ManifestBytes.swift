import Foundation
import RegistryClient

/// The bytes of the manifests a deletion journals, read where they are cheapest: the content
/// cache the load filled (verified against the digest), else the registry (a GET by digest, which
/// the client verifies too). The inventory keeps only their sizes.
struct ManifestBytes: Sendable {
    let client: RegistryClient
    let cache: ContentCache

    /// The bytes of each digest, or why they could not be read.
    func read(repository: String, _ digests: [Digest]) async -> [Digest: Result<Data, any Error>] {
        var result: [Digest: Result<Data, any Error>] = [:]
        var missing: [Digest] = []
        for digest in Set(digests) {
            if let body = cache.readBody(digest) {
                result[digest] = .success(body)
            } else {
                missing.append(digest)
            }
        }
        let client = self.client
        let cache = self.cache
        let fetched = await Concurrently.results(missing, window: max(1, missing.count)) { digest -> Data in
            let manifest = try await client.manifest(repository: repository, reference: digest.description)
            cache.write(manifest)
            return manifest.body
        }
        for (digest, answer) in zip(missing, fetched) { result[digest] = answer }
        return result
    }
}
