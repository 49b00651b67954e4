import Foundation
import RegistryClient

/// The Docker/OCI `/v2` routes: catalog, tag list, manifests, blobs and blob uploads.
extension AcrEmulatorRoutes {
    func registryRoute(_ request: AcrEmulatorIncoming, rest: Substring) -> AcrEmulatorReply {
        if rest == "_catalog" {
            guard request.method == "GET" else { return .unsupported }
            if let refusal = authorize(request, type: "registry", name: "catalog", action: "*") { return refusal }
            return catalog(request, path: "/v2/_catalog")
        }
        if let parts = Self.split(rest, at: "/blobs/uploads") {
            let uuid = parts.rest.hasPrefix("/") ? String(parts.rest.dropFirst()) : parts.rest
            if let refusal = authorize(request, name: parts.name, action: "push", challengeActions: "pull,push") {
                return refusal
            }
            return upload(request, name: parts.name, rawName: parts.rawName, uuid: uuid)
        }
        if let parts = Self.split(rest, at: "/blobs/") {
            guard request.method == "GET" || request.method == "HEAD" else { return .unsupported }
            if let refusal = authorize(request, name: parts.name, action: "pull") { return refusal }
            return blob(name: parts.name, digest: parts.rest)
        }
        if let parts = Self.split(rest, at: "/manifests/") {
            return manifestRoute(request, name: parts.name, rawName: parts.rawName, reference: parts.rest)
        }
        if let parts = Self.split(rest, at: "/tags/list"), parts.rest.isEmpty {
            guard request.method == "GET" else { return .unsupported }
            if let refusal = authorize(request, name: parts.name, action: "pull") { return refusal }
            return tagNames(request, name: parts.name, rawName: parts.rawName)
        }
        return .error(404, code: "NOT_FOUND", message: "no route for \(request.method) /v2/\(rest)")
    }

    /// `{"repositories":[…]}` paged by name, for `/v2/_catalog` and `/acr/v1/_catalog`.
    func catalog(_ request: AcrEmulatorIncoming, path: String) -> AcrEmulatorReply {
        guard let size = pageSize(request) else { return Self.pageSizeInvalid }
        let last = request.query.value("last") ?? ""
        // A repository holding only blobs (an interrupted push) is not listed.
        let names = store.withValue { $0.repositories.filter { !$0.value.manifests.isEmpty }.keys.sorted() }
            .filter { last.isEmpty || $0 > last }
        let page = Array(names.prefix(size))
        var headers: [(String, String)] = []
        if names.count > page.count, let final = page.last {
            headers.append(("Link", "<\(path)?last=\(Self.escape(final))&n=\(size)&orderby=>; rel=\"next\""))
        }
        return .json(AcrEmulatorJSON.Repositories(repositories: page), headers: headers)
    }

    private func tagNames(_ request: AcrEmulatorIncoming, name: String, rawName: String) -> AcrEmulatorReply {
        guard let size = pageSize(request) else { return Self.pageSizeInvalid }
        guard let all = store.withValue({ $0.repositories[name]?.tags.keys.sorted() }) else {
            return .nameUnknown(name)
        }
        let last = request.query.value("last") ?? ""
        let names = all.filter { last.isEmpty || $0 > last }
        let page = Array(names.prefix(size))
        var headers: [(String, String)] = []
        if names.count > page.count, let final = page.last {
            headers.append(
                ("Link", "</v2/\(rawName)/tags/list?last=\(Self.escape(final))&n=\(size)&orderby=>; rel=\"next\""))
        }
        return .json(AcrEmulatorJSON.TagNames(name: name, tags: page), headers: headers)
    }

    // MARK: - Manifests

    private func manifestRoute(
        _ request: AcrEmulatorIncoming, name: String, rawName: String, reference: String
    ) -> AcrEmulatorReply {
        switch request.method {
        case "GET", "HEAD":
            if let refusal = authorize(request, name: name, action: "pull") { return refusal }
            return getManifest(name: name, reference: reference)
        case "PUT":
            if let refusal = authorize(request, name: name, action: "push", challengeActions: "pull,push") {
                return refusal
            }
            return putManifest(request, name: name, rawName: rawName, reference: reference)
        case "DELETE":
            if let refusal = authorize(request, name: name, action: "delete") { return refusal }
            if let digest = Digest(reference) { return deleteManifest(name: name, digest: digest) }
            // Not in ACR's swagger ("only by digest"): untags, as `/acr/v1/<repo>/_tags/<tag>` does.
            return deleteTag(name: name, tag: reference)
        default:
            return .unsupported
        }
    }

    private func getManifest(name: String, reference: String) -> AcrEmulatorReply {
        store.withValue { state in
            guard let repository = state.repositories[name] else { return .nameUnknown(name) }
            let digest = Digest(reference) ?? repository.tags[reference]?.digest
            guard let digest, let record = repository.manifests[digest] else { return .manifestUnknown }
            return AcrEmulatorReply(
                status: 200,
                headers: [("Content-Type", record.mediaType), ("Docker-Content-Digest", digest.description)],
                body: record.body)
        }
    }

    private func putManifest(
        _ request: AcrEmulatorIncoming, name: String, rawName: String, reference: String
    ) -> AcrEmulatorReply {
        let digest = Digest.sha256(of: request.body)
        let tag: String?
        if let named = Digest(reference) {
            guard named == digest else {
                return .error(400, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content")
            }
            tag = nil
        } else {
            guard Self.isTagName(reference) else {
                return .error(400, code: "TAG_INVALID", message: "manifest tag did not match URI")
            }
            tag = reference
        }
        guard let parsed = AcrEmulatorParsedManifest(request.body) else {
            return .error(400, code: "MANIFEST_INVALID", message: "manifest invalid")
        }
        let contentType = request.contentType?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let mediaType = parsed.mediaType ?? contentType, !mediaType.isEmpty else {
            return .error(400, code: "MANIFEST_INVALID", message: "manifest invalid: no media type")
        }
        let now = Date()
        return store.withValue { state -> AcrEmulatorReply in
            if let tag, let existing = state.repositories[name]?.tags[tag],
                !existing.attributes.writeEnabled
            {
                return .disallowed
            }
            let repository = state.repositories[name]
            let blobs = [parsed.config?.digest].compactMap { $0 } + parsed.layers.map(\.digest)
            if let missing = blobs.first(where: { repository?.blobs.contains($0) != true }) {
                return .error(
                    400, code: "MANIFEST_BLOB_UNKNOWN", message: "blob unknown to registry",
                    detail: .text(missing.description))
            }
            if parsed.children.contains(where: { repository?.manifests[$0.digest] == nil }) {
                return .error(400, code: "MANIFEST_UNKNOWN", message: "manifest unknown: a child of the index")
            }
            guard state.storedBytes + request.body.count <= configuration.maximumStoredBytes else {
                return .error(413, code: "SIZE_INVALID", message: "the emulator's storage cap is reached")
            }
            var updated = repository ?? AcrEmulatorState.Repository(created: now, lastUpdated: now)
            if updated.manifests[digest] == nil {
                let platform = state.platform(ofConfig: parsed.config?.digest)
                let references = parsed.children.map { child in
                    AcrEmulatorJSON.Reference(
                        digest: child.digest.description, architecture: child.architecture, os: child.os)
                }
                let size: Int64
                if parsed.children.isEmpty {
                    size = (parsed.config?.size ?? 0) + parsed.layers.reduce(0) { $0 + $1.size }
                } else {
                    size = parsed.children.reduce(0) { $0 + (updated.manifests[$1.digest]?.imageSize ?? 0) }
                }
                updated.manifests[digest] = AcrEmulatorState.ManifestRecord(
                    body: request.body, mediaType: mediaType,
                    configMediaType: parsed.children.isEmpty ? parsed.config?.mediaType : nil,
                    architecture: platform.architecture, os: platform.os, imageSize: size, references: references,
                    created: now, lastUpdated: now)
                state.storedBytes += request.body.count
            }
            if let tag {
                if var existing = updated.tags[tag] {
                    existing.digest = digest
                    existing.lastUpdated = now
                    updated.tags[tag] = existing
                } else {
                    updated.tags[tag] = AcrEmulatorState.TagRecord(digest: digest, created: now, lastUpdated: now)
                }
            }
            updated.lastUpdated = now
            state.repositories[name] = updated
            return .empty(
                201,
                headers: [
                    ("Location", "/v2/\(rawName)/manifests/\(digest)"), ("Docker-Content-Digest", digest.description),
                ])
        }
    }

    /// Deletes a manifest and all its tags, unless it or one of its tags is locked.
    func deleteManifest(name: String, digest: Digest) -> AcrEmulatorReply {
        store.withValue { state in
            guard let repository = state.repositories[name] else { return .nameUnknown(name) }
            guard let record = repository.manifests[digest] else { return .manifestUnknown }
            let tagLocked = repository.tags.values.contains { tag in
                tag.digest == digest && !(tag.attributes.deleteEnabled && tag.attributes.writeEnabled)
            }
            guard record.attributes.deleteEnabled, record.attributes.writeEnabled, !tagLocked else {
                return .disallowed
            }
            state.deleteManifest(digest, in: name)
            return .empty(202)
        }
    }

    /// Removes one tag (the manifest stays), unless the tag is locked.
    func deleteTag(name: String, tag: String) -> AcrEmulatorReply {
        store.withValue { state in
            guard state.repositories[name] != nil else { return .nameUnknown(name) }
            guard let record = state.repositories[name]?.tags[tag] else { return .tagUnknown }
            guard record.attributes.deleteEnabled, record.attributes.writeEnabled else { return .disallowed }
            state.repositories[name]?.tags[tag] = nil
            return .empty(202, headers: [("X-Ms-Int-Docker-Content-Digest", record.digest.description)])
        }
    }

    // MARK: - Blobs

    private func blob(name: String, digest text: String) -> AcrEmulatorReply {
        guard let digest = Digest(text) else {
            return .error(400, code: "DIGEST_INVALID", message: "invalid digest")
        }
        return store.withValue { state in
            guard state.repositories[name]?.blobs.contains(digest) == true, let data = state.blobs[digest] else {
                return .blobUnknown
            }
            return AcrEmulatorReply(
                status: 200,
                headers: [("Content-Type", "application/octet-stream"), ("Docker-Content-Digest", digest.description)],
                body: data)
        }
    }

    private func upload(
        _ request: AcrEmulatorIncoming, name: String, rawName: String, uuid: String
    ) -> AcrEmulatorReply {
        if uuid.isEmpty {
            guard request.method == "POST" else { return .unsupported }
            return startUpload(request, name: name, rawName: rawName)
        }
        let location = "/v2/\(rawName)/blobs/uploads/\(uuid)?_nouploadcache=false&_state=\(Self.escape(uuid))"
        return store.withValue { state -> AcrEmulatorReply in
            guard var upload = state.uploads[uuid], upload.repository == name else {
                return .error(404, code: "BLOB_UPLOAD_UNKNOWN", message: "blob upload unknown to registry")
            }
            switch request.method {
            case "GET":
                return .empty(
                    204, headers: [("Range", "0-\(max(0, upload.data.count - 1))"), ("Docker-Upload-UUID", uuid)])
            case "DELETE":
                state.storedBytes -= upload.data.count
                state.uploads[uuid] = nil
                return .empty(204)
            case "PATCH", "PUT":
                guard state.storedBytes + request.body.count <= configuration.maximumStoredBytes else {
                    return .error(413, code: "SIZE_INVALID", message: "the emulator's storage cap is reached")
                }
                upload.data.append(request.body)
                state.storedBytes += request.body.count
                guard request.method == "PUT" else {
                    state.uploads[uuid] = upload
                    return .empty(
                        202,
                        headers: [
                            ("Location", location), ("Range", "0-\(max(0, upload.data.count - 1))"),
                            ("Docker-Upload-UUID", uuid),
                        ])
                }
                state.uploads[uuid] = nil
                state.storedBytes -= upload.data.count
                guard let digest = request.query.value("digest").flatMap(Digest.init) else {
                    return .error(400, code: "DIGEST_INVALID", message: "digest missing or invalid")
                }
                guard Digest.sha256(of: upload.data) == digest else {
                    return .error(
                        400, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content")
                }
                state.linkBlob(upload.data, digest: digest, into: name, now: Date())
                return .empty(
                    201,
                    headers: [
                        ("Location", "/v2/\(rawName)/blobs/\(digest)"), ("Docker-Content-Digest", digest.description),
                    ]
                )
            default:
                return .unsupported
            }
        }
    }

    private func startUpload(_ request: AcrEmulatorIncoming, name: String, rawName: String) -> AcrEmulatorReply {
        let now = Date()
        if let mount = request.query.value("mount").flatMap(Digest.init) {
            let mounted = store.withValue { state -> Bool in
                guard let from = request.query.value("from"), state.repositories[from]?.blobs.contains(mount) == true,
                    let data = state.blobs[mount]
                else { return false }
                state.linkBlob(data, digest: mount, into: name, now: now)
                return true
            }
            if mounted {
                return .empty(
                    201,
                    headers: [
                        ("Location", "/v2/\(rawName)/blobs/\(mount)"), ("Docker-Content-Digest", mount.description),
                    ])
            }
        }
        if let digestText = request.query.value("digest") {
            guard let digest = Digest(digestText), Digest.sha256(of: request.body) == digest else {
                return .error(400, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content")
            }
            return store.withValue { state in
                guard state.storedBytes + request.body.count <= configuration.maximumStoredBytes else {
                    return .error(413, code: "SIZE_INVALID", message: "the emulator's storage cap is reached")
                }
                state.linkBlob(request.body, digest: digest, into: name, now: now)
                return .empty(
                    201,
                    headers: [
                        ("Location", "/v2/\(rawName)/blobs/\(digest)"), ("Docker-Content-Digest", digest.description),
                    ]
                )
            }
        }
        let uuid = UUID().uuidString.lowercased()
        return store.withValue { state in
            guard state.uploads.count < configuration.maximumOpenUploads else {
                return .error(429, code: "TOOMANYREQUESTS", message: "too many open uploads")
            }
            state.uploads[uuid] = AcrEmulatorState.Upload(repository: name)
            return .empty(
                202,
                headers: [
                    (
                        "Location",
                        "/v2/\(rawName)/blobs/uploads/\(uuid)?_nouploadcache=false&_state=\(Self.escape(uuid))"
                    ),
                    ("Range", "0-0"), ("Docker-Upload-UUID", uuid),
                ])
        }
    }
}
