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

    /// Fetches a manifest by tag or digest and verifies it: the bytes must hash to the digest it was
    /// requested by, and to `Docker-Content-Digest` when the registry sends one (sha256 or sha512).
    /// A manifest that cannot be verified is an error, so it never feeds a deletion decision.
    ///
    /// A mismatch is asked again twice: a proxy that mangled one answer in transit gives a good one
    /// next time, while content that keeps failing verification stays an error. Nothing unverified
    /// is ever returned.
    public func manifest(repository: String, reference: String) async throws -> Manifest {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await fetchManifest(repository: repository, reference: reference)
            } catch let error as RegistryError where error.kind == .digestMismatch && attempt < 3 {
                // Only bytes that did not match are asked again; an unverifiable digest is not.
                logger.debug("manifest failed verification, asking again", metadata: ["error": "\(error)"])
            }
        }
    }

    private func fetchManifest(repository: String, reference: String) async throws -> Manifest {
        let url = try manifestURL(repository: repository, reference: reference)
        let scope = AccessScope.repository(repository, "pull")
        let response = try await send(
            "GET", url, scope: scope, headers: [("Accept", MediaType.manifestAcceptHeader)],
            maxResponseBytes: Self.maxManifestBytes)
        guard response.status == 200 else {
            throw failure(
                response, doing: "fetching manifest \(repository):\(reference)", url: url, method: "GET", scope: scope)
        }
        let digest = try Self.verifiedDigest(
            of: response, requested: Digest(reference), what: "manifest \(repository)@\(reference)", url: url)
        return try Manifest(body: response.body, digest: digest, contentType: response.header("Content-Type"))
    }

    /// The digest a manifest response proves: the requested one and the header's, when given, must
    /// both match the bytes; without either, the bytes' sha256. (`checked(reference:)` has already
    /// refused requested digests of algorithms that cannot be verified.) A header of such an
    /// algorithm proves nothing; it only counts when nothing else does.
    static func verifiedDigest(
        of response: HTTPResponseData, requested: Digest?, what: String, url: URL
    ) throws(RegistryError) -> Digest {
        func mismatch(_ claimed: String, _ detail: String) -> RegistryError {
            RegistryError(
                .digestMismatch, "\(what) arrived with content that does not match \(claimed) (\(detail))",
                url: url.absoluteString,
                hint: "the registry or a proxy altered it; it is not used, and nothing is deleted on its strength")
        }
        // Each algorithm's hash of the body, computed once.
        var hashes: [String: Digest] = [:]
        func hash(_ algorithm: String) -> Digest {
            if let known = hashes[algorithm] { return known }
            let computed = algorithm == "sha512" ? Digest.sha512(of: response.body) : Digest.sha256(of: response.body)
            hashes[algorithm] = computed
            return computed
        }
        if let requested, hash(requested.algorithm) != requested {
            throw mismatch("the digest it was requested by", "it hashes to \(hash(requested.algorithm))")
        }
        if let headerText = response.header("Docker-Content-Digest") {
            guard let header = contentDigest(of: response), header.isVerifiable || requested != nil else {
                throw RegistryError(
                    .invalidResponse,
                    "\(what) came with a Docker-Content-Digest that cannot be verified (\(String(headerText.prefix(160))))",
                    url: url.absoluteString, hint: "only sha256 and sha512 digests are trusted")
            }
            if header.isVerifiable, hash(header.algorithm) != header {
                throw mismatch("its Docker-Content-Digest header", header.description)
            }
            if requested == nil { return header }
        }
        return requested ?? hash("sha256")
    }

    /// The `Docker-Content-Digest` header, parsed.
    static func contentDigest(of response: HTTPResponseData) -> Digest? {
        response.header("Docker-Content-Digest").flatMap { Digest($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Resolves a tag (or digest) to a digest with HEAD, which does not count as a pull on Docker Hub.
    /// Falls back to GET (and verifies the bytes) when the registry sends no usable
    /// `Docker-Content-Digest`. Nil when it does not exist.
    public func head(repository: String, reference: String) async throws -> ManifestHead? {
        let url = try manifestURL(repository: repository, reference: reference)
        let scope = AccessScope.repository(repository, "pull")
        let response = try await send("HEAD", url, scope: scope, headers: [("Accept", MediaType.manifestAcceptHeader)])
        switch response.status {
        case 200:
            let type = response.header("Content-Type")
            if let digest = Self.contentDigest(of: response), digest.isVerifiable {
                if let requested = Digest(reference), requested != digest {
                    throw RegistryError(
                        .digestMismatch, "the registry answered for \(repository)@\(reference) with another digest",
                        url: url.absoluteString,
                        hint: "the registry or a proxy is misbehaving; nothing was deleted on its strength")
                }
                let size = response.header("Content-Length").flatMap { Int64($0) }.flatMap { $0 >= 0 ? $0 : nil }
                return ManifestHead(digest: digest, mediaType: type, size: size)
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
        let url = try blobURL(repository: repository, digest: digest)
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
            let url = try url("/v2/\(try Self.checked(repository: repository))/referrers/\(digest)")
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
