import Foundation
import RegistryClient

/// ACR's own API, `/acr/v1`: repositories, tags and manifests with times and `changeableAttributes`.
extension AcrEmulatorRoutes {
    func metadataRoute(_ request: AcrEmulatorIncoming, rest: Substring) -> AcrEmulatorReply {
        if rest == "_catalog" {
            guard request.method == "GET" else { return .unsupported }
            if let refusal = authorize(request, type: "registry", name: "catalog", action: "*") { return refusal }
            return catalog(request, path: "/acr/v1/_catalog")
        }
        // Tags and digests have no `/`, and no repository component starts with `_`: the markers are unambiguous.
        if let parts = Self.split(rest, at: "/_tags/") {
            return tagItem(request, name: parts.name, tag: parts.rest)
        }
        if rest.hasSuffix("/_tags"), let parts = Self.split(rest, at: "/_tags") {
            guard request.method == "GET" else { return .unsupported }
            if let refusal = authorize(request, name: parts.name, action: "metadata_read") { return refusal }
            return tagList(request, name: parts.name, rawName: parts.rawName)
        }
        if let parts = Self.split(rest, at: "/_manifests/") {
            return manifestItem(request, name: parts.name, reference: parts.rest)
        }
        if rest.hasSuffix("/_manifests"), let parts = Self.split(rest, at: "/_manifests") {
            guard request.method == "GET" else { return .unsupported }
            if let refusal = authorize(request, name: parts.name, action: "metadata_read") { return refusal }
            return manifestList(request, name: parts.name, rawName: parts.rawName)
        }
        guard let name = String(rest).removingPercentEncoding, Self.isRepositoryName(name) else {
            return .error(404, code: "NOT_FOUND", message: "no route for \(request.method) /acr/v1/\(rest)")
        }
        return repositoryItem(request, name: name)
    }

    // MARK: - Tags

    private func tagJSON(_ tag: String, _ record: AcrEmulatorState.TagRecord) -> AcrEmulatorJSON.Tag {
        AcrEmulatorJSON.Tag(
            name: tag, digest: record.digest.description, createdTime: AcrEmulatorJSON.time(record.created),
            lastUpdateTime: AcrEmulatorJSON.time(record.lastUpdated), changeableAttributes: record.attributes)
    }

    private func tagList(_ request: AcrEmulatorIncoming, name: String, rawName: String) -> AcrEmulatorReply {
        guard let size = pageSize(request) else { return Self.pageSizeInvalid }
        guard var tags = store.withValue({ $0.repositories[name]?.tags }) else { return .nameUnknown(name) }
        if let digest = request.query.value("digest"), !digest.isEmpty {
            tags = tags.filter { $0.value.digest.description == digest }
        }
        let items = tags.map { (key: $0.key, ticks: AcrEmulatorJSON.ticks($0.value.lastUpdated)) }
        let orderby = request.query.value("orderby") ?? ""
        guard let page = Self.page(items, orderby: orderby, last: request.query.value("last") ?? "", size: size) else {
            return .error(400, code: "BAD_REQUEST", message: "invalid orderby or last")
        }
        var headers: [(String, String)] = []
        if let next = page.next {
            var link = "</acr/v1/\(rawName)/_tags?last=\(Self.escape(next))&n=\(size)&orderby=\(Self.escape(orderby))"
            if let digest = request.query.value("digest"), !digest.isEmpty { link += "&digest=\(Self.escape(digest))" }
            headers.append(("Link", link + ">; rel=\"next\""))
        }
        let body = AcrEmulatorJSON.TagList(
            registry: host, imageName: name,
            tags: page.keys.compactMap { key in tags[key].map { tagJSON(key, $0) } })
        return .json(body, headers: headers)
    }

    private func tagItem(_ request: AcrEmulatorIncoming, name: String, tag: String) -> AcrEmulatorReply {
        switch request.method {
        case "GET":
            if let refusal = authorize(request, name: name, action: "metadata_read") { return refusal }
            return store.withValue { state in
                guard let repository = state.repositories[name] else { return .nameUnknown(name) }
                guard let record = repository.tags[tag] else { return .tagUnknown }
                return .json(AcrEmulatorJSON.TagEnvelope(registry: host, imageName: name, tag: tagJSON(tag, record)))
            }
        case "PATCH":
            if let refusal = authorize(request, name: name, action: "metadata_write") { return refusal }
            guard let patch = try? JSONDecoder().decode(AcrEmulatorJSON.AttributesPatch.self, from: request.body) else {
                return .error(
                    400, code: "BAD_REQUEST", message: "the request body is not a changeableAttributes object")
            }
            return store.withValue { state in
                guard state.repositories[name] != nil else { return .nameUnknown(name) }
                guard var record = state.repositories[name]?.tags[tag] else { return .tagUnknown }
                // A PATCH leaves `lastUpdateTime` alone (seen in recorded ACR traffic).
                record.attributes = patch.applied(to: record.attributes)
                state.repositories[name]?.tags[tag] = record
                return .json(AcrEmulatorJSON.TagEnvelope(registry: host, imageName: name, tag: tagJSON(tag, record)))
            }
        case "DELETE":
            if let refusal = authorize(request, name: name, action: "delete") { return refusal }
            return deleteTag(name: name, tag: tag)
        default:
            return .unsupported
        }
    }

    // MARK: - Manifests

    private func manifestJSON(
        _ digest: Digest, _ record: AcrEmulatorState.ManifestRecord, in repository: AcrEmulatorState.Repository,
        withReferences: Bool
    ) -> AcrEmulatorJSON.Manifest {
        let tags = repository.tags(of: digest)
        return AcrEmulatorJSON.Manifest(
            digest: digest.description, imageSize: record.imageSize, createdTime: AcrEmulatorJSON.time(record.created),
            lastUpdateTime: AcrEmulatorJSON.time(record.lastUpdated), architecture: record.architecture,
            os: record.os, mediaType: record.mediaType, configMediaType: record.configMediaType,
            references: withReferences && record.isIndex ? record.references : nil,
            // ACR leaves `tags` out of an untagged manifest rather than sending `[]`.
            tags: tags.isEmpty ? nil : tags, changeableAttributes: record.attributes)
    }

    private func manifestList(_ request: AcrEmulatorIncoming, name: String, rawName: String) -> AcrEmulatorReply {
        guard let size = pageSize(request) else { return Self.pageSizeInvalid }
        guard let repository = store.withValue({ $0.repositories[name] }) else { return .nameUnknown(name) }
        let items = repository.manifests.map {
            (key: $0.key.description, ticks: AcrEmulatorJSON.ticks($0.value.lastUpdated))
        }
        let orderby = request.query.value("orderby") ?? ""
        guard let page = Self.page(items, orderby: orderby, last: request.query.value("last") ?? "", size: size) else {
            return .error(400, code: "BAD_REQUEST", message: "invalid orderby or last")
        }
        var headers: [(String, String)] = []
        if let next = page.next {
            headers.append(
                (
                    "Link",
                    "</acr/v1/\(rawName)/_manifests?last=\(Self.escape(next))&n=\(size)&orderby=\(Self.escape(orderby))>; rel=\"next\""
                ))
        }
        let manifests = page.keys.compactMap { key -> AcrEmulatorJSON.Manifest? in
            guard let digest = Digest(key), let record = repository.manifests[digest] else { return nil }
            return manifestJSON(digest, record, in: repository, withReferences: false)
        }
        return .json(
            AcrEmulatorJSON.ManifestList(registry: host, imageName: name, manifests: manifests), headers: headers)
    }

    private func manifestItem(_ request: AcrEmulatorIncoming, name: String, reference: String) -> AcrEmulatorReply {
        let action: String
        switch request.method {
        case "GET": action = "metadata_read"
        case "PATCH": action = "metadata_write"
        default: return .unsupported
        }
        if let refusal = authorize(request, name: name, action: action) { return refusal }
        var patch: AcrEmulatorJSON.AttributesPatch?
        if request.method == "PATCH" {
            guard let decoded = try? JSONDecoder().decode(AcrEmulatorJSON.AttributesPatch.self, from: request.body)
            else {
                return .error(
                    400, code: "BAD_REQUEST", message: "the request body is not a changeableAttributes object")
            }
            patch = decoded
        }
        return store.withValue { state in
            guard var repository = state.repositories[name] else { return .nameUnknown(name) }
            guard let digest = Digest(reference) ?? repository.tags[reference]?.digest,
                var record = repository.manifests[digest]
            else { return .manifestUnknown }
            if let patch {
                record.attributes = patch.applied(to: record.attributes)
                repository.manifests[digest] = record
                state.repositories[name] = repository
            }
            let body = AcrEmulatorJSON.ManifestEnvelope(
                registry: host, imageName: name,
                manifest: manifestJSON(digest, record, in: repository, withReferences: true))
            return .json(body)
        }
    }

    // MARK: - Repository

    private func repositoryItem(_ request: AcrEmulatorIncoming, name: String) -> AcrEmulatorReply {
        switch request.method {
        case "GET":
            if let refusal = authorize(request, name: name, action: "metadata_read") { return refusal }
            return store.withValue { state in
                guard let repository = state.repositories[name], !repository.manifests.isEmpty else {
                    return .nameUnknown(name)
                }
                return .json(
                    AcrEmulatorJSON.RepositoryAttributes(
                        registry: host, imageName: name, createdTime: AcrEmulatorJSON.time(repository.created),
                        lastUpdateTime: AcrEmulatorJSON.time(repository.lastUpdated),
                        manifestCount: repository.manifests.count, tagCount: repository.tags.count,
                        changeableAttributes: AcrEmulatorJSON.Attributes()))
            }
        case "DELETE":
            if let refusal = authorize(request, name: name, action: "delete") { return refusal }
            return store.withValue { state in
                guard let repository = state.repositories[name], !repository.manifests.isEmpty else {
                    return .nameUnknown(name)
                }
                let locked =
                    repository.manifests.values.contains {
                        !($0.attributes.deleteEnabled && $0.attributes.writeEnabled)
                    }
                    || repository.tags.values.contains { !($0.attributes.deleteEnabled && $0.attributes.writeEnabled) }
                guard !locked else { return .disallowed }
                for record in repository.manifests.values { state.storedBytes -= record.body.count }
                state.repositories[name] = nil
                return .json(
                    AcrEmulatorJSON.DeletedRepository(
                        manifestsDeleted: repository.manifests.keys.map(\.description).sorted(),
                        tagsDeleted: repository.tags.keys.sorted()),
                    status: 202)
            }
        default:
            return .unsupported
        }
    }

    // MARK: - Paging

    /// One page of `items` in ACR's order: by key without `orderby`, by time with `timedesc`/`timeasc`
    /// (ties by key). Returns the keys and the `last` of the next page (nil on the final page); nil
    /// when `orderby` is unknown or a time-ordered `last` is neither a cursor nor a known key.
    static func page(
        _ items: [(key: String, ticks: Int64)], orderby: String, last: String, size: Int
    ) -> (keys: [String], next: String?)? {
        let descending: Bool
        switch orderby {
        case "", "none":
            let sorted = items.map(\.key).sorted().filter { last.isEmpty || $0 > last }
            let keys = Array(sorted.prefix(size))
            return (keys, sorted.count > keys.count ? keys.last : nil)
        case "timedesc": descending = true
        case "timeasc": descending = false
        default: return nil
        }
        func before(_ a: (key: String, ticks: Int64), _ b: (key: String, ticks: Int64)) -> Bool {
            a.ticks != b.ticks ? (descending ? a.ticks > b.ticks : a.ticks < b.ticks) : a.key < b.key
        }
        let sorted = items.sorted(by: before)
        var remaining = sorted[...]
        if !last.isEmpty {
            let cursor: (key: String, ticks: Int64)
            if let decoded = AcrEmulatorCursor(encoded: last) {
                cursor = (decoded.name, decoded.ticks)
            } else if let known = items.first(where: { $0.key == last }) {
                cursor = known
            } else {
                return nil
            }
            remaining = sorted.drop { !before(cursor, $0) }
        }
        let shown = remaining.prefix(size)
        guard remaining.count > shown.count, let final = shown.last else { return (shown.map(\.key), nil) }
        return (shown.map(\.key), AcrEmulatorCursor(ticks: final.ticks, name: final.key).encoded)
    }
}
