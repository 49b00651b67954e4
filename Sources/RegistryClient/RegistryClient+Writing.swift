import Foundation

extension RegistryClient {
    /// Deletes a manifest by digest. On most registries this removes every tag pointing to it.
    public func deleteManifest(repository: String, digest: Digest) async throws {
        let url = try url("/v2/\(repository)/manifests/\(digest)")
        let scope = AccessScope.repository(repository, "delete")
        let response = try await send("DELETE", url, scope: scope, maxResponseBytes: 1 << 20)
        guard (200..<300).contains(response.status) else {
            throw failure(response, doing: "deleting \(repository)@\(digest)", url: url, method: "DELETE", scope: scope)
        }
    }

    /// Removes one tag and nothing else: other tags of the same manifest keep resolving.
    ///
    /// With `.native` the registry deletes the tag itself. With `.placeholder` (distribution 2.x,
    /// which has no tag delete) the tag is first moved onto a unique tiny placeholder manifest, which
    /// is then deleted by digest; deleting the real manifest by digest would take its siblings along.
    public func deleteTag(
        repository: String, tag: String, using method: RegistryCapabilities.TagDeletion
    )
        async throws
    {
        switch method {
        case .native:
            let url = try url("/v2/\(repository)/manifests/\(tag)")
            let scope = AccessScope.repository(repository, "delete")
            let response = try await send("DELETE", url, scope: scope, maxResponseBytes: 1 << 20)
            guard (200..<300).contains(response.status) else {
                throw failure(
                    response, doing: "deleting tag \(repository):\(tag)", url: url, method: "DELETE", scope: scope)
            }
        case .placeholder:
            // Keep the original so the tag can be put back if the second step fails: a tag left
            // on the placeholder would be worse than a tag not deleted.
            let original: Manifest
            do {
                original = try await manifest(repository: repository, reference: tag)
            } catch let error as RegistryError where error.kind == .notFound {
                throw RegistryError(
                    .notFound, "tag \(repository):\(tag) does not exist", status: error.status, url: error.url,
                    details: error.details)
            }
            let placeholder = try Self.placeholderManifest()
            _ = try await uploadBlob(repository: repository, data: Data("{}".utf8))
            let digest = try await putManifest(
                repository: repository, reference: tag, body: placeholder, mediaType: MediaType.ociManifest)
            do {
                try await deleteManifest(repository: repository, digest: digest)
            } catch {
                try? await putManifest(
                    repository: repository, reference: tag, body: original.body, mediaType: original.mediaType)
                try? await deleteManifest(repository: repository, digest: digest)
                throw error
            }
        }
    }

    /// A minimal OCI manifest that no other tag can share: a random annotation makes its digest unique.
    static func placeholderManifest() throws -> Data {
        let empty = Data("{}".utf8)
        let document: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": MediaType.ociManifest,
            "artifactType": "application/vnd.regsweep.placeholder",
            "config": [
                "mediaType": MediaType.ociEmpty, "digest": Digest.sha256(of: empty).description, "size": empty.count,
            ],
            "layers": [] as [Any],
            "annotations": ["io.regsweep.placeholder": UUID().uuidString],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    }

    /// Whether the repository already has a blob.
    public func blobExists(repository: String, digest: Digest) async throws -> Bool {
        let url = try url("/v2/\(repository)/blobs/\(digest)")
        let scope = AccessScope.repository(repository, "pull", "push")
        let response = try await send("HEAD", url, scope: scope)
        return response.status == 200
    }

    /// Uploads a blob in one request (POST then PUT), skipping it when it is already there.
    @discardableResult
    public func uploadBlob(
        repository: String, data: Data, mediaType: String = MediaType.ociEmpty
    ) async throws
        -> Descriptor
    {
        let digest = Digest.sha256(of: data)
        let descriptor = Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
        if try await blobExists(repository: repository, digest: digest) { return descriptor }
        let scope = AccessScope.repository(repository, "pull", "push")
        let start = try url("/v2/\(repository)/blobs/uploads/")
        let started = try await send("POST", start, scope: scope, maxResponseBytes: 1 << 20)
        guard started.status == 202, let location = started.header("Location"),
            let uploadURL = URL(string: location, relativeTo: start)?.absoluteURL,
            var components = URLComponents(url: uploadURL, resolvingAgainstBaseURL: false)
        else {
            throw failure(
                started, doing: "starting a blob upload to \(repository)", url: start, method: "POST", scope: scope)
        }
        components.queryItems =
            (components.queryItems ?? []) + [URLQueryItem(name: "digest", value: digest.description)]
        guard let finish = components.url else {
            throw RegistryError(.invalidResponse, "the registry's upload location is not a URL", url: location)
        }
        let finished = try await send(
            "PUT", finish, scope: scope, headers: [("Content-Type", "application/octet-stream")], body: data,
            maxResponseBytes: 1 << 20)
        guard finished.status == 201 || finished.status == 204 || finished.status == 200 else {
            throw failure(
                finished, doing: "uploading blob \(digest) to \(repository)", url: finish, method: "PUT", scope: scope)
        }
        return descriptor
    }

    /// Stores a manifest under a tag or its digest and returns its digest.
    @discardableResult
    public func putManifest(
        repository: String, reference: String, body: Data, mediaType: String
    ) async throws
        -> Digest
    {
        let url = try url("/v2/\(repository)/manifests/\(reference)")
        let scope = AccessScope.repository(repository, "pull", "push")
        let response = try await send(
            "PUT", url, scope: scope, headers: [("Content-Type", mediaType)], body: body, maxResponseBytes: 1 << 20)
        guard response.status == 201 || response.status == 200 || response.status == 202 else {
            throw failure(
                response, doing: "storing manifest \(repository):\(reference)", url: url, method: "PUT", scope: scope)
        }
        return Digest.sha256(of: body)
    }

    /// Finds out what the registry can do without deleting anything real: it deletes a digest of
    /// zeros and a random tag that cannot exist, and asks for the referrers of the zero digest.
    /// A registry that can delete answers 404 (nothing there); one that cannot answers 400/405.
    public func capabilities(repository: String) async throws -> RegistryCapabilities {
        let zero = "sha256:" + String(repeating: "0", count: 64)
        let delete = AccessScope.repository(repository, "delete")
        let pull = AccessScope.repository(repository, "pull")
        // Each probe answers for itself: credentials without delete rights still learn the rest.
        var deleteEnabled: Bool?
        if let status = await probe("DELETE", "/v2/\(repository)/manifests/\(zero)", scope: delete) {
            switch status.code {
            case 404, 202: deleteEnabled = true
            case 405: deleteEnabled = false
            case 400: deleteEnabled = !status.details.contains { $0.code == "UNSUPPORTED" }
            default: deleteEnabled = nil
            }
        }
        var tagDeletion = RegistryCapabilities.TagDeletion.placeholder
        if deleteEnabled == true {
            let tag = "regsweep-probe-" + UUID().uuidString.lowercased().prefix(18)
            if await probe("DELETE", "/v2/\(repository)/manifests/\(tag)", scope: delete)?.code == 404 {
                tagDeletion = .native
            }
        }
        let referrers = await probe(
            "GET", "/v2/\(repository)/referrers/\(zero)", scope: pull, headers: [("Accept", MediaType.ociIndex)])
        let catalog = await probe("GET", "/v2/_catalog?n=1", scope: .catalog)
        return RegistryCapabilities(
            tagDeletion: tagDeletion, deleteEnabled: deleteEnabled, referrersAPI: referrers?.code == 200,
            catalog: catalog?.code == 200)
    }

    /// One capability probe: the status and error codes, or nil when the request itself failed.
    private func probe(
        _ method: String, _ path: String, scope: AccessScope, headers: [(String, String)] = []
    ) async
        -> (code: Int, details: [RegistryError.Detail])?
    {
        guard let url = URL(string: endpoint.baseURL + path),
            let response = try? await send(method, url, scope: scope, headers: headers, maxResponseBytes: 1 << 20)
        else { return nil }
        return (response.status, RegistryError.details(from: response.body))
    }
}
