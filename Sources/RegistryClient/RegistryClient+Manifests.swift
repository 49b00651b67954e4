import Foundation

/// What a HEAD on a manifest tells: enough to know whether a tag moved.
public struct ManifestHead: Sendable, Equatable {
    public var digest: Digest
    public var mediaType: String?
    public var size: Int64?
}

/// Where a manifest's referrers were found.
public enum ReferrersSource: String, Sendable, Codable {
    /// The OCI 1.1 referrers API.
    case api
    /// The fallback `sha256-<hex>` tag holding an index of referrers.
    case tagSchema
    /// Neither: no referrers known.
    case none
}

extension RegistryClient {
    /// The largest manifest accepted; registries themselves cap manifests at 4 MiB.
    public static let maxManifestBytes = 4 << 20

    /// Fetches a manifest by tag or digest. Its digest is computed from the bytes; when fetched by
    /// digest, the bytes must hash to it.
    public func manifest(repository: String, reference: String) async throws -> Manifest {
        let url = try url("/v2/\(repository)/manifests/\(reference)")
        let scope = AccessScope.repository(repository, "pull")
        let response = try await send(
            "GET", url, scope: scope, headers: [("Accept", MediaType.manifestAccept.joined(separator: ", "))],
            maxResponseBytes: Self.maxManifestBytes)
        guard response.status == 200 else {
            throw failure(
                response, doing: "fetching manifest \(repository):\(reference)", url: url, method: "GET", scope: scope)
        }
        let computed = Digest.sha256(of: response.body)
        var digest = computed
        if let requested = Digest(reference) {
            guard requested.matches(response.body) || isSchema1(response) else {
                throw RegistryError(
                    .digestMismatch,
                    "manifest \(repository)@\(requested) arrived with different content (it hashes to \(computed))",
                    url: url.absoluteString,
                    hint: "the registry or a proxy altered it; do not trust this registry's answers")
            }
            digest = requested
        } else if isSchema1(response), let header = response.header("Docker-Content-Digest").flatMap(Digest.init) {
            // Signed schema1 digests cover the payload without signatures, so trust the header there.
            digest = header
        }
        return try Manifest(body: response.body, digest: digest, contentType: response.header("Content-Type"))
    }

    private func isSchema1(_ response: HTTPResponseData) -> Bool {
        MediaType.isSchema1(response.header("Content-Type")?.split(separator: ";").first.map(String.init) ?? "")
    }

    /// Resolves a tag (or digest) to a digest with HEAD, which does not count as a pull on Docker Hub.
    /// Falls back to GET when the registry sends no `Docker-Content-Digest`. Nil when it does not exist.
    public func head(repository: String, reference: String) async throws -> ManifestHead? {
        let url = try url("/v2/\(repository)/manifests/\(reference)")
        let scope = AccessScope.repository(repository, "pull")
        let response = try await send(
            "HEAD", url, scope: scope, headers: [("Accept", MediaType.manifestAccept.joined(separator: ", "))])
        switch response.status {
        case 200:
            let type = response.header("Content-Type")
            if let digest = response.header("Docker-Content-Digest").flatMap(Digest.init) {
                return ManifestHead(
                    digest: digest, mediaType: type, size: response.header("Content-Length").flatMap { Int64($0) })
            }
            let manifest = try await manifest(repository: repository, reference: reference)
            return ManifestHead(
                digest: manifest.digest, mediaType: manifest.mediaType, size: Int64(manifest.body.count))
        case 404:
            return nil
        default:
            throw failure(
                response, doing: "resolving \(repository):\(reference)", url: url, method: "HEAD", scope: scope)
        }
    }

    /// Fetches a blob (a config, never a layer: the size limit keeps it small) and verifies its digest.
    public func blob(repository: String, digest: Digest, maxBytes: Int = 8 << 20) async throws -> Data {
        let url = try url("/v2/\(repository)/blobs/\(digest)")
        let scope = AccessScope.repository(repository, "pull")
        let response = try await send("GET", url, scope: scope, maxResponseBytes: maxBytes)
        guard response.status == 200 else {
            throw failure(
                response, doing: "fetching blob \(repository)@\(digest)", url: url, method: "GET", scope: scope)
        }
        guard digest.matches(response.body) else {
            throw RegistryError(
                .digestMismatch, "blob \(repository)@\(digest) arrived with different content", url: url.absoluteString)
        }
        return response.body
    }

    /// Fetches and parses the config of an image manifest.
    public func imageConfig(repository: String, manifest: Manifest) async throws -> ImageConfig? {
        guard manifest.kind == .image, let config = manifest.config,
            config.mediaType == MediaType.ociConfig || config.mediaType == MediaType.dockerConfig
        else { return nil }
        return try ImageConfig(json: try await blob(repository: repository, digest: config.digest))
    }

    /// The referrers of a manifest: the OCI referrers API when the registry has it, else the
    /// `sha256-<hex>` tag-schema index. Cosign's `.sig/.att/.sbom` tags are the caller's to match,
    /// since they are found in the tag list.
    public func referrers(
        repository: String, digest: Digest, knownTags: Set<String>? = nil, useAPI: Bool = true
    ) async throws -> (descriptors: [Descriptor], source: ReferrersSource) {
        let scope = AccessScope.repository(repository, "pull")
        if useAPI {
            let url = try url("/v2/\(repository)/referrers/\(digest)")
            let response = try await send(
                "GET", url, scope: scope, headers: [("Accept", MediaType.ociIndex)],
                maxResponseBytes: Self.maxManifestBytes)
            if response.status == 200,
                let index = try? Manifest(
                    body: response.body, digest: Digest.sha256(of: response.body), contentType: MediaType.ociIndex)
            {
                return (index.manifests, .api)
            }
            guard response.status == 404 || response.status == 405 || response.status == 400 else {
                throw failure(
                    response, doing: "listing referrers of \(repository)@\(digest)", url: url, method: "GET",
                    scope: scope)
            }
        }
        let tag = digest.referrersTag
        if let knownTags, !knownTags.contains(tag) { return ([], .none) }
        do {
            let index = try await manifest(repository: repository, reference: tag)
            return index.kind == .index ? (index.manifests, .tagSchema) : ([], .none)
        } catch let error as RegistryError where error.kind == .notFound {
            return ([], .none)
        }
    }
}
