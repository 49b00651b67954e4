import Foundation

/// Azure Container Registry's own API (`/acr/v1`), beside `/v2`: what `acr purge` reads and writes.
/// Each call needs ACR's per-repository scopes (`metadata_read` to list, `metadata_write` to
/// unlock, `delete` to untag), which its token service grants per repository like `pull`.
extension RegistryClient {
    /// Which API the registry speaks, decided once per client: `*.azurecr.io` by name, anything
    /// else by one GET of `/acr/v1/_catalog` *without credentials* (credentials go only to `/v2/`
    /// until the registry has shown it is ACR; private endpoints and custom domains exist). A
    /// probe that cannot be sent fails the call: taking an ACR for a generic registry would measure
    /// ages by image build dates and miss locks, so guessing is not an option.
    public func detectAPI() async throws -> RegistryAPI {
        if let known = api.current { return known }
        let found: RegistryAPI
        if RegistryAPI.isAzureHost(endpoint.apiHost) {
            found = .acr
        } else {
            // Built by hand: until the answer, `/acr/v1/` is not the registry's API (`url` refuses it).
            guard let url = URL(string: endpoint.baseURL + "/acr/v1/_catalog?n=1") else {
                throw RegistryError(.invalidInput, "cannot build a registry URL for /acr/v1/_catalog")
            }
            // No `Authorization`, no redirects followed.
            let answer = try await transport.sendRetrying(
                HTTPRequestData(url: url, maxResponseBytes: 1 << 20), policy: retry)
            found = Self.isACRAnswer(answer) ? .acr : .oci
        }
        api.set(found)
        if found == .acr { await learned.learn(tagDeletion: .acr) }
        logger.debug("registry API: \(found.label)")
        return found
    }

    /// ACR answers its catalog with `{"repositories": …}`, or — without catalog rights — with a
    /// Bearer challenge whose realm is its own `/oauth2/token`. Distribution and the others answer
    /// 404 (no such route) or challenge with their own token services.
    static func isACRAnswer(_ response: HTTPResponseData) -> Bool {
        switch response.status {
        case 200:
            return (try? JSONDecoder().decode(ACRWire.CatalogPage.self, from: response.body))?.repositories != nil
        case 401, 403:
            let challenges = AuthChallenge.parse(response.header("WWW-Authenticate") ?? "")
            return challenges.contains { challenge in
                challenge.scheme == "bearer"
                    && challenge.realm.flatMap(URL.init(string:))?.path(percentEncoded: false) == "/oauth2/token"
            }
        default:
            return false
        }
    }

    /// Every tag of a repository with its digest, times and lock, newest `lastUpdateTime` first.
    /// Pages follow `Link` exactly as given: with `orderby`, ACR's `last` is an opaque cursor.
    public func acrTags(repository: String, pageSize: Int = 100) async throws -> [ACRTag] {
        try await requireACR()
        let first = try url(
            "/acr/v1/\(try Self.checked(repository: repository))/_tags",
            query: [
                URLQueryItem(name: "n", value: String(pageSize)), URLQueryItem(name: "orderby", value: "timedesc"),
            ])
        let entries = try await paginate(
            first, scope: .repository(repository, "metadata_read"), what: "listing the tags of \(repository)"
        ) { data in
            try JSONDecoder().decode(ACRWire.TagPage.self, from: data).tags ?? []
        }
        var seen = Set<String>()
        var tags: [ACRTag] = []
        for entry in entries {
            guard let name = entry.name, ReferenceGrammar.isValidTag(name) else {
                warn("skipped a tag in \(repository) with an invalid name '\(SafeText.escape(entry.name ?? ""))'")
                continue
            }
            guard let digest = entry.digest.flatMap(Digest.init), digest.isVerifiable else {
                warn("skipped the tag \(repository):\(name): ACR listed it without a valid digest")
                continue
            }
            guard seen.insert(name).inserted else { continue }
            tags.append(
                ACRTag(
                    name: name, digest: digest, createdTime: entry.createdTime.flatMap(RFC3339.parse),
                    lastUpdateTime: entry.lastUpdateTime.flatMap(RFC3339.parse),
                    lock: entry.changeableAttributes?.lock ?? .none))
        }
        return tags
    }

    /// Every manifest of a repository, untagged ones included, with times, tags and lock.
    public func acrManifests(repository: String, pageSize: Int = 100) async throws -> [ACRManifest] {
        try await requireACR()
        let first = try url(
            "/acr/v1/\(try Self.checked(repository: repository))/_manifests",
            query: [URLQueryItem(name: "n", value: String(pageSize))])
        let entries = try await paginate(
            first, scope: .repository(repository, "metadata_read"), what: "listing the manifests of \(repository)"
        ) { data in
            try JSONDecoder().decode(ACRWire.ManifestPage.self, from: data).manifests ?? []
        }
        var seen = Set<Digest>()
        var manifests: [ACRManifest] = []
        for entry in entries {
            guard let digest = entry.digest.flatMap(Digest.init), digest.isVerifiable else {
                warn("skipped a manifest in \(repository): ACR listed it without a valid digest")
                continue
            }
            guard seen.insert(digest).inserted else { continue }
            manifests.append(
                ACRManifest(
                    digest: digest, imageSize: entry.imageSize, createdTime: entry.createdTime.flatMap(RFC3339.parse),
                    lastUpdateTime: entry.lastUpdateTime.flatMap(RFC3339.parse),
                    mediaType: entry.mediaType.map { SafeText.escape(String($0.prefix(255))) },
                    architecture: entry.architecture.map { SafeText.escape(String($0.prefix(64))) },
                    os: entry.os.map { SafeText.escape(String($0.prefix(64))) },
                    tags: (entry.tags ?? []).filter(ReferenceGrammar.isValidTag),
                    lock: entry.changeableAttributes?.lock ?? .none))
        }
        return manifests
    }

    /// `DELETE /acr/v1/<repo>/_tags/<tag>`: removes the tag and nothing else; the manifest and its
    /// other tags stay. No placeholder is ever pushed on ACR.
    func acrDeleteTag(repository: String, tag: String) async throws {
        try await requireACR()
        let url = try acrTagURL(repository: repository, tag: tag)
        let scope = AccessScope.repository(repository, "delete")
        let response = try await send("DELETE", url, scope: scope, maxResponseBytes: 1 << 20)
        guard (200..<300).contains(response.status) else {
            throw failure(
                response, doing: "deleting tag \(repository):\(tag)", url: url, method: "DELETE", scope: scope)
        }
    }

    /// What an unlock applies to.
    public enum ACRTarget: Sendable, Equatable {
        case tag(String)
        case manifest(Digest)
    }

    /// Sets `deleteEnabled` and `writeEnabled` back to true (`PATCH`), as `acr purge
    /// --include-locked` does before deleting. Read and list switches are left as they are.
    public func acrUnlock(repository: String, _ target: ACRTarget) async throws {
        try await requireACR()
        let url: URL
        switch target {
        case .tag(let tag): url = try acrTagURL(repository: repository, tag: tag)
        case .manifest(let digest):
            url = try self.url("/acr/v1/\(try Self.checked(repository: repository))/_manifests/\(digest)")
        }
        let scope = AccessScope.repository(repository, "metadata_write")
        let body = Data(#"{"deleteEnabled":true,"writeEnabled":true}"#.utf8)
        let response = try await send(
            "PATCH", url, scope: scope, headers: [("Content-Type", "application/json")], body: body,
            maxResponseBytes: 1 << 20)
        guard (200..<300).contains(response.status) else {
            let what: String
            switch target {
            case .tag(let tag): what = "\(repository):\(tag)"
            case .manifest(let digest): what = "\(repository)@\(digest)"
            }
            throw failure(response, doing: "unlocking \(what)", url: url, method: "PATCH", scope: scope)
        }
    }

    /// `/acr/v1` only where the registry showed it is ACR: elsewhere the path is nobody's API.
    private func requireACR() async throws {
        guard try await detectAPI() == .acr else {
            throw RegistryError(
                .unsupported, "\(endpoint.name) is not an Azure Container Registry (no /acr/v1 API)",
                hint: "this operation needs ACR's own API")
        }
    }

    private func acrTagURL(repository: String, tag: String) throws(RegistryError) -> URL {
        guard ReferenceGrammar.isValidTag(tag) else {
            throw RegistryError(.invalidName, "'\(SafeText.escape(tag))' is not a valid tag")
        }
        return try url("/acr/v1/\(try Self.checked(repository: repository))/_tags/\(tag)")
    }
}
