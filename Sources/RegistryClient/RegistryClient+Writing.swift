import Foundation

extension RegistryClient {
    /// Deletes a manifest by digest (on most registries this removes every tag pointing to it), then
    /// checks that it is gone: a registry that answers 202 and still serves the manifest did not
    /// delete it, and saying otherwise would be a lie in the report.
    public func deleteManifest(repository: String, digest: Digest) async throws {
        let url = try manifestURL(repository: repository, reference: digest.description)
        let scope = AccessScope.repository(repository, "delete")
        let response = try await send("DELETE", url, scope: scope, maxResponseBytes: 1 << 20)
        guard (200..<300).contains(response.status) else {
            let error = failure(
                response, doing: "deleting \(repository)@\(digest)", url: url, method: "DELETE", scope: scope)
            if error.kind == .deleteDisabled { await learned.learn(deleteEnabled: false) }
            throw error
        }
        await learned.learn(deleteEnabled: true)
        if try await head(repository: repository, reference: digest.description) != nil {
            throw RegistryError(
                .notDeleted, "the registry accepted deleting \(repository)@\(digest) but still serves it",
                status: response.status, url: url.absoluteString,
                hint:
                    "it was not deleted; the registry may delete asynchronously or ignore deletes; check it and run again"
            )
        }
    }

    /// Removes one tag and nothing else: other tags of the same manifest keep resolving.
    ///
    /// With `.native` the registry deletes the tag itself. With `.placeholder` (distribution 2.x,
    /// which has no tag delete) the tag is first moved onto a unique tiny placeholder manifest, which
    /// is then deleted by digest; deleting the real manifest by digest would take its siblings along.
    /// With nil, the first tag deletion decides: the registry's answer to a native tag delete (2xx,
    /// or 400/405 for "no tag delete") is remembered for the rest of the run. No probe request is
    /// ever sent for this, so listings and dry runs stay free of DELETEs.
    ///
    /// With `expecting`, the tag must still point to that digest when its deletion starts; one that
    /// another writer moved meanwhile is left alone (`.moved`), so a race never takes their tag.
    public func deleteTag(
        repository: String, tag: String, using method: RegistryCapabilities.TagDeletion? = nil,
        expecting: Digest? = nil
    )
        async throws
    {
        // On ACR a DELETE of `/v2/<repo>/manifests/<tag>` is not a tag delete: which API this is
        // must be known before the first one is tried.
        if method == nil, api.current == nil { _ = try await detectAPI() }
        let known = await learned.tagDeletion
        switch method ?? known {
        case .native?:
            guard try await deleteTagNatively(repository: repository, tag: tag, expecting: expecting) else {
                throw RegistryError(
                    .unsupported, "the registry cannot delete the tag \(repository):\(tag) on its own",
                    hint: "this registry has no tag delete; run without forcing native tag deletion")
            }
        case .acr?:
            _ = try await currentDigest(repository: repository, tag: tag, expecting: expecting)
            try await acrDeleteTag(repository: repository, tag: tag)
        case .placeholder?:
            try await learned.inTurn("placeholder " + repository) {
                try await self.deleteTagByPlaceholder(repository: repository, tag: tag, expecting: expecting)
            }
        case nil:
            // The first tag deletion teaches the method; the others wait for its answer.
            let learnedNow = try await learned.inTurn("learn tag deletion") { () -> Bool in
                guard await self.learned.tagDeletion == nil else { return false }
                if try await self.deleteTagNatively(repository: repository, tag: tag, expecting: expecting) {
                    await self.learned.learn(tagDeletion: .native)
                } else {
                    await self.learned.learn(tagDeletion: .placeholder)
                    try await self.learned.inTurn("placeholder " + repository) {
                        try await self.deleteTagByPlaceholder(repository: repository, tag: tag, expecting: expecting)
                    }
                }
                return true
            }
            if !learnedNow {
                try await deleteTag(repository: repository, tag: tag, using: method, expecting: expecting)
            }
        }
    }

    /// Where a tag points right before its deletion: it must exist (`.notFound` otherwise) and,
    /// with `expecting`, still point there (`.moved` otherwise).
    private func currentDigest(repository: String, tag: String, expecting: Digest?) async throws -> Digest {
        guard let now = try await head(repository: repository, reference: tag) else {
            throw RegistryError(.notFound, "tag \(repository):\(tag) does not exist", status: 404)
        }
        try Self.check(now: now.digest, expected: expecting)
        return now.digest
    }

    /// `DELETE /v2/<repo>/manifests/<tag>`: true when the tag is gone, false when the registry has no
    /// tag delete (400, or 405 once a delete by digest has shown that deleting is enabled).
    private func deleteTagNatively(repository: String, tag: String, expecting: Digest?) async throws -> Bool {
        let before = try await currentDigest(repository: repository, tag: tag, expecting: expecting)
        let url = try manifestURL(repository: repository, reference: tag)
        let scope = AccessScope.repository(repository, "delete")
        let response = try await send("DELETE", url, scope: scope, maxResponseBytes: 1 << 20)
        if (200..<300).contains(response.status) {
            await learned.learn(deleteEnabled: true)
            if let after = try await head(repository: repository, reference: tag), after.digest == before {
                throw RegistryError(
                    .notDeleted, "the registry accepted deleting the tag \(repository):\(tag) but still serves it",
                    status: response.status, url: url.absoluteString,
                    hint: "it was not deleted; check the registry and run again")
            }
            return true
        }
        let error = failure(
            response, doing: "deleting tag \(repository):\(tag)", url: url, method: "DELETE", scope: scope)
        switch response.status {
        case 400 where error.kind != .deleteDisabled:
            return false
        case 405 where await learned.deleteEnabled == true:
            return false
        case 405:
            // Deletion disabled, or no tag delete: we cannot tell without a DELETE by digest, and
            // pushing a placeholder onto a registry that cannot delete it would leave it behind.
            throw RegistryError(
                .deleteDisabled, "the registry refused to delete the tag \(repository):\(tag)", status: 405,
                url: url.absoluteString, details: error.details,
                hint: "deletion is disabled on this registry (distribution: storage.delete.enabled: true), "
                    + "or it cannot delete tags; deleting a whole manifest first shows which")
        default:
            throw error
        }
    }

    /// Moves the tag onto a unique placeholder manifest and deletes that by digest; puts the tag
    /// back when the second step fails (a tag left on the placeholder would be worse than one not
    /// deleted).
    private func deleteTagByPlaceholder(repository: String, tag: String, expecting: Digest?) async throws {
        let original: Manifest
        do {
            original = try await manifest(repository: repository, reference: tag)
        } catch let error as RegistryError where error.kind == .notFound {
            throw RegistryError(
                .notFound, "tag \(repository):\(tag) does not exist", status: error.status, url: error.url,
                details: error.details)
        }
        try Self.check(now: original.digest, expected: expecting)
        let placeholder = try Self.placeholderManifest()
        if await !learned.hasEmptyBlob(in: repository) {
            _ = try await uploadBlob(repository: repository, data: Data("{}".utf8))
            await learned.noteEmptyBlob(in: repository)
        }
        let digest = try await putManifest(
            repository: repository, reference: tag, body: placeholder, mediaType: MediaType.ociManifest)
        do {
            try await deleteManifest(repository: repository, digest: digest)
        } catch {
            _ = try? await putManifest(
                repository: repository, reference: tag, body: original.body, mediaType: original.mediaType)
            try? await deleteManifest(repository: repository, digest: digest)
            throw error
        }
    }

    /// Refuses to touch a tag that moved away from the digest the caller planned for.
    static func check(now: Digest, expected: Digest?) throws(RegistryError) {
        guard let expected, expected != now else { return }
        throw RegistryError(.moved, "moved from \(expected.short) to \(now.short) since the re-check; left alone")
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
        let url = try blobURL(repository: repository, digest: digest)
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
        let start = try url("/v2/\(try Self.checked(repository: repository))/blobs/uploads/")
        let started = try await send("POST", start, scope: scope, maxResponseBytes: 1 << 20)
        guard started.status == 202, let location = started.header("Location"),
            let uploadURL = URL(string: location, relativeTo: start)?.absoluteURL,
            var components = URLComponents(url: uploadURL, resolvingAgainstBaseURL: false)
        else {
            throw failure(
                started, doing: "starting a blob upload to \(repository)", url: start, method: "POST", scope: scope)
        }
        // The upload goes where the registry says, but only on the registry itself: the PUT
        // carries the credentials and the content.
        try requireOnRegistry(uploadURL, namedBy: "the registry's upload Location")
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
        let url = try manifestURL(repository: repository, reference: reference)
        let scope = AccessScope.repository(repository, "pull", "push")
        let response = try await send(
            "PUT", url, scope: scope, headers: [("Content-Type", mediaType)], body: body, maxResponseBytes: 1 << 20)
        guard response.status == 201 || response.status == 200 || response.status == 202 else {
            throw failure(
                response, doing: "storing manifest \(repository):\(reference)", url: url, method: "PUT", scope: scope)
        }
        return Digest.sha256(of: body)
    }

    /// Finds out what the registry can do with harmless requests only: a GET of the referrers of a
    /// digest of zeros and a GET of one catalog entry. Whether deleting works and how tags are
    /// removed is learned from the first real deletion (and reported here once known), so a
    /// listing or a dry run never sends a DELETE and works with read-only credentials.
    public func capabilities(repository: String) async throws -> RegistryCapabilities {
        let zero = "sha256:" + String(repeating: "0", count: 64)
        let referrers = await probe(
            try url("/v2/\(try Self.checked(repository: repository))/referrers/\(zero)"),
            scope: .repository(repository, "pull"), headers: [("Accept", MediaType.ociIndex)])
        let catalog = await probe(
            try url("/v2/_catalog", query: [URLQueryItem(name: "n", value: "1")]), scope: .catalog)
        let api = try await detectAPI()
        return RegistryCapabilities(
            tagDeletion: await learned.tagDeletion, deleteEnabled: await learned.deleteEnabled,
            referrersAPI: referrers == 200, catalog: catalog == 200, api: api)
    }

    /// One capability probe (a GET): the status, or nil when the request itself failed.
    private func probe(_ url: URL, scope: AccessScope, headers: [(String, String)] = []) async -> Int? {
        try? await send("GET", url, scope: scope, headers: headers, maxResponseBytes: 1 << 20).status
    }
}
