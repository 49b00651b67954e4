import Foundation
import NIOCore
import RegistryClient

/// How `MisbehavingRegistry` answers, per listener and mode. The registry part is an honest
/// (if small) distribution API; each mode bends exactly one thing.
struct HostileRoutes: Sendable {
    typealias Mode = MisbehavingRegistry.Mode
    typealias Request = MisbehavingRegistry.Request

    let mode: Mode
    let host: String
    let elsewhereHost: String
    let unixSocketPath: String
    /// What was already answered once (the "once" misbehaviours of `hugeRetryAfter`).
    private let answeredOnce = LockedBox(Set<String>())

    /// The token the `tokenWithCRLF` token service hands out: a header injection if sent as is.
    static let injectingToken = "hostile\r\nX-Injected: yes"
    /// The token the other host's token service hands out.
    static let stolenToken = "stolen-token"
    /// Server-side bounds of the endless modes.
    static let endlessPageLimit = 20_000
    static let endlessByteLimit = 256 << 20

    init(mode: Mode, host: String, elsewhereHost: String, unixSocketPath: String) {
        self.mode = mode
        self.host = host
        self.elsewhereHost = elsewhereHost
        self.unixSocketPath = unixSocketPath
    }

    // MARK: Content

    /// The repository this mode serves, and the digests whose content it lies about.
    func buildContent() -> (content: HostileContent, untrustworthy: [Digest]) {
        var content = HostileContent()
        let config1 = HostileContent.config(created: "2020-01-01T00:00:00Z")
        let config2 = HostileContent.config(created: "2021-01-01T00:00:00Z")
        for config in [config1, config2] { content.blobs[Digest.sha256(of: config)] = config }
        let image1 = HostileContent.imageManifest(config: config1, layerSeed: "layer-1")
        let image2 = HostileContent.imageManifest(config: config2, layerSeed: "layer-2")
        let repository = MisbehavingRegistry.repository
        var untrustworthy: [Digest] = []
        switch mode {
        case .digestMismatch:
            // Claimed digest of image 1, bytes of something else.
            let tampered = HostileContent.imageManifest(config: config1, layerSeed: "layer-1-TAMPERED")
            untrustworthy.append(
                content.add(tampered, as: Digest.sha256(of: image1), in: repository, tags: ["1.0"]))
        case .schema1OtherContent:
            let schema1 = HostileContent.encode([
                "schemaVersion": 1, "name": repository, "tag": "1.0", "architecture": "amd64",
                "fsLayers": [["blobSum": Digest.sha256(of: Data("x".utf8)).description]],
                "history": [["v1Compatibility": "{}"]],
                "signatures": [["header": ["alg": "ES256"], "signature": "AAAA", "protected": "e30"]],
            ])
            untrustworthy.append(
                content.add(
                    schema1, mediaType: MediaType.dockerSchema1Signed, as: Digest.sha256(of: image1), in: repository,
                    tags: ["1.0"]))
        case .sha512Mismatch:
            if let bogus = HostileContent.sha512(of: Data("not the manifest".utf8)),
                let real = HostileContent.sha512(of: image2)
            {
                untrustworthy.append(content.add(image1, as: bogus, in: repository, tags: ["1.0"]))
                content.add(image2, as: real, in: repository, tags: ["2.0", "latest"])
            }
        case .deepJSON:
            let depth = 100_000
            let deep =
                Data(repeating: UInt8(ascii: "["), count: depth) + Data(repeating: UInt8(ascii: "]"), count: depth)
            content.add(deep, in: repository, tags: ["1.0"])
        case .badContentType:
            let html = Data("<html><head><title>Sign in</title></head><body>Please log in</body></html>".utf8)
            content.add(html, mediaType: "text/html; charset=utf-8", in: repository, tags: ["1.0"])
        default:
            content.add(image1, in: repository, tags: ["1.0"])
        }
        if content.repositories[repository]?.tags["2.0"] == nil {
            content.add(image2, in: repository, tags: ["2.0", "latest"])
        }
        let digest1 = Digest.sha256(of: image1)
        switch mode {
        case .controlCharactersInNames:
            content.add(image1, in: repository, tags: HostileText.tags)
            for name in HostileText.repositories { content.add(image1, in: name, tags: ["1.0"]) }
            content.add(image1, in: "denied", tags: ["1.0"])
            let evilConfig = HostileContent.config(
                created: "2022-01-01T00:00:00Z", os: HostileText.platformOS, architecture: "amd64\u{1B}[2J")
            content.blobs[Digest.sha256(of: evilConfig)] = evilConfig
            content.add(
                HostileContent.imageManifest(config: evilConfig, layerSeed: "evil"), in: repository,
                tags: ["evil-platform"])
        case .dotDotNames:
            content.add(image1, in: repository, tags: ["..", "../../../etc/passwd"])
            content.add(image1, in: "a/../../etc", tags: ["1.0"])
        default:
            _ = digest1
        }
        return (content, untrustworthy)
    }

    // MARK: Dispatch

    func reply(to request: Request, body: Data, content: LockedBox<HostileContent>) -> HostileReply {
        switch request.listener {
        case .unixSocket:
            // What a followed redirect would find: "not found", which a careless purge calls "already gone".
            return .error(404, code: "MANIFEST_UNKNOWN", message: "manifest unknown")
        case .elsewhere:
            return elsewhere(request, content: content)
        case .registry:
            return registry(request, body: body, content: content)
        }
    }

    /// The other host: a phishing server that asks for credentials and rewards whoever sends them.
    private func elsewhere(_ request: Request, content: LockedBox<HostileContent>) -> HostileReply {
        if mode == .blobRedirectElsewhere, let (name, reference) = Self.split(request.decodedPath, at: "/blobs/"),
            let digest = Digest(reference),
            let blob = content.withValue({ $0.repositories[name] == nil ? nil : $0.blobs[digest] })
        {
            return .data(blob, headers: [("Content-Type", "application/octet-stream")])
        }
        if mode == .redirectThenBearerRealm {
            if request.rawPath == "/token" { return .json(object: ["token": Self.stolenToken, "expires_in": 300]) }
            guard request.header("Authorization") == "Bearer \(Self.stolenToken)" else {
                return .error(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [
                        (
                            "WWW-Authenticate",
                            #"Bearer realm="http://\#(elsewhereHost)/token",service="elsewhere",scope="repository:app:pull""#
                        )
                    ])
            }
            if let (name, reference) = Self.split(request.decodedPath, at: "/manifests/"),
                let (digest, manifest) = content.withValue({ $0.resolve(reference, in: name) })
            {
                return manifestReply(digest: digest, manifest: manifest)
            }
            return .error(404, code: "MANIFEST_UNKNOWN", message: "manifest unknown")
        }
        guard request.header("Authorization") != nil else {
            return .error(
                401, code: "UNAUTHORIZED", message: "log in",
                headers: [("WWW-Authenticate", #"Basic realm="elsewhere""#)])
        }
        if request.method == "PUT" { return .text(201, "") }
        return .json(object: [
            "name": MisbehavingRegistry.repository, "repositories": ["from-elsewhere"], "tags": ["from-elsewhere"],
        ])
    }

    private func registry(_ request: Request, body: Data, content: LockedBox<HostileContent>) -> HostileReply {
        if mode == .tokenWithCRLF && request.rawPath == "/token" {
            guard request.header("Authorization") == MisbehavingRegistry.basicAuthorization else {
                return .error(401, code: "UNAUTHORIZED", message: "bad credentials")
            }
            return .json(object: ["token": Self.injectingToken, "access_token": Self.injectingToken, "expires_in": 300])
        }
        if mode == .linkClimbing && (request.hasDotDotSegment || !request.normalizedPath.hasPrefix("/v2/")) {
            // Whatever lives outside the API on this host; a client that came here already lost.
            return .json(object: [
                "name": "secret", "repositories": ["secret-outside-v2"], "tags": ["secret-outside-v2"],
            ])
        }
        let path = request.decodedPath
        guard path.hasPrefix("/v2/") else { return .error(404, code: "NOT_FOUND", message: "not found") }
        guard authorized(request) else { return challenge() }
        if path == "/v2/" { return .json("{}") }
        if path == "/v2/_catalog" { return catalog(request, content: content) }
        if path.hasSuffix("/tags/list") {
            let name = String(path.dropFirst(4).dropLast("/tags/list".count))
            return tags(request, repository: name, content: content)
        }
        if let (name, rest) = Self.split(path, at: "/blobs/uploads/") {
            return upload(request, repository: name, id: rest, body: body, content: content)
        }
        if let (name, reference) = Self.split(path, at: "/manifests/") {
            return manifest(request, repository: name, reference: reference, body: body, content: content)
        }
        if let (name, reference) = Self.split(path, at: "/blobs/") {
            if mode == .blobRedirectElsewhere && request.method == "GET" {
                return HostileReply(
                    status: 307,
                    headers: [("Location", "http://\(elsewhereHost)/v2/\(name)/blobs/\(reference)?sig=s3cret")])
            }
            guard let digest = Digest(reference), let blob = content.withValue({ $0.blobs[digest] }),
                content.withValue({ $0.repositories[name] != nil })
            else { return .error(404, code: "BLOB_UNKNOWN", message: "blob unknown") }
            return .data(
                blob,
                headers: [("Content-Type", "application/octet-stream"), ("Docker-Content-Digest", digest.description)])
        }
        if path.contains("/referrers/") { return .error(404, code: "NOT_FOUND", message: "no referrers API") }
        return .error(404, code: "NOT_FOUND", message: "not found")
    }

    private func authorized(_ request: Request) -> Bool {
        switch mode {
        case .tokenWithCRLF: return request.header("Authorization") == "Bearer \(Self.injectingToken)"
        default: return request.header("Authorization") == MisbehavingRegistry.basicAuthorization
        }
    }

    private func challenge() -> HostileReply {
        let header =
            mode == .tokenWithCRLF
            ? #"Bearer realm="http://\#(host)/token",service="misbehaving-registry""#
            : #"Basic realm="x""#
        return .error(
            401, code: "UNAUTHORIZED", message: "authentication required", headers: [("WWW-Authenticate", header)])
    }

    // MARK: Listings

    private func catalog(_ request: Request, content: LockedBox<HostileContent>) -> HostileReply {
        let names = content.withValue { $0.repositories.keys.sorted() }
        if mode == .hugeRetryAfter && once("catalog") {
            return .error(
                429, code: "TOOMANYREQUESTS", message: "slow down",
                headers: [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")])
        }
        if mode == .badContentType {
            return .text(
                200, "<html><body><h1>Welcome</h1><p>\(names.joined(separator: ", "))</p></body></html>",
                headers: [("Content-Type", "text/html; charset=utf-8")])
        }
        return page(request, key: "repositories", items: names, base: "/v2/_catalog", extra: [:])
    }

    private func tags(_ request: Request, repository name: String, content: LockedBox<HostileContent>) -> HostileReply {
        if mode == .controlCharactersInNames && name == "denied" {
            return .error(403, code: "DENIED\u{1B}[31m", message: HostileText.errorMessage)
        }
        guard let tags = content.withValue({ $0.repositories[name]?.tags.keys.sorted() }) else {
            return .error(404, code: "NAME_UNKNOWN", message: "repository name not known to registry")
        }
        if mode == .hugeRetryAfter && once("tags") {
            return .error(429, code: "TOOMANYREQUESTS", message: "slow down", headers: [("Retry-After", "1e300")])
        }
        return page(request, key: "tags", items: tags, base: "/v2/\(name)/tags/list", extra: ["name": name])
    }

    /// One page of a listing, with the mode's idea of a `Link` to the next one.
    private func page(
        _ request: Request, key: String, items: [String], base: String, extra: [String: String]
    ) -> HostileReply {
        let query = request.query
        let n = query["n"].flatMap(Int.init).map { max(1, min($0, 1000)) } ?? 1000
        let last = query["last"]
        var document: [String: Any] = extra
        var link: String?
        switch mode {
        case .endlessLinks:
            let index = last.flatMap { Int($0.dropFirst()) } ?? 0
            document[key] = ["p\(index)"]
            if index < Self.endlessPageLimit { link = "<\(base)?last=p\(index + 1)&n=1>; rel=\"next\"" }
        case .linkToOtherHost where last == nil:
            document[key] = Array(items.prefix(1))
            link = "<http://\(elsewhereHost)\(base)?last=\(items.first ?? "")&n=\(n)>; rel=\"next\""
        case .linkClimbing where last == nil:
            document[key] = Array(items.prefix(1))
            link =
                key == "tags"
                ? "</v2/../../secret?n=1>; rel=\"next\"" : "</v2/%2e%2e/%2e%2e/secret?n=1>; rel=\"next\""
        default:
            let remaining = last.map { last in items.filter { $0 > last } } ?? items
            let chunk = Array(remaining.prefix(n))
            document[key] = chunk
            if remaining.count > n, let end = chunk.last {
                var components = URLComponents()
                components.queryItems = [
                    URLQueryItem(name: "last", value: end), URLQueryItem(name: "n", value: String(n)),
                ]
                link = "<\(base)?\(components.percentEncodedQuery ?? "")>; rel=\"next\""
            }
        }
        let body = HostileContent.encode(document)
        var headers = [("Content-Type", "application/json")]
        if let link { headers.append(("Link", link)) }
        return shaped(HostileReply.data(body, headers: headers), contentType: "application/json")
    }

    /// Applies the body- and header-level misbehaviours to an answer.
    private func shaped(_ reply: HostileReply, contentType: String) -> HostileReply {
        guard case .bytes(let data) = reply.body else { return reply }
        var reply = reply
        switch mode {
        case .trickleBody:
            // Each second brings a little (one byte of a small body), so a per-read timeout never
            // fires; the whole body takes about 35 s, past any test's bound but not forever.
            reply.body = .trickle(data, interval: .seconds(1), chunk: max(1, (data.count + 34) / 35))
        case .hugeBody:
            let opening = contentType == MediaType.ociManifest ? #"{"layers":["# : #"{"tags":["#
            reply.body = .endless(
                chunk: Data(opening.utf8) + Data(repeating: UInt8(ascii: "a"), count: 64 << 10),
                limit: Self.endlessByteLimit)
        case .headerFlood:
            for index in 0..<10_000 { reply.headers.append(("X-Flood-\(index)", "flood")) }
            reply.headers.append(("X-Huge", String(repeating: "h", count: 1 << 20)))
        default: break
        }
        return reply
    }

    // MARK: Manifests and blobs

    private func manifest(
        _ request: Request, repository name: String, reference: String, body: Data, content: LockedBox<HostileContent>
    ) -> HostileReply {
        let byDigest = Digest(reference) != nil
        switch (mode, request.method) {
        case (.redirectThenBearerRealm, "GET"), (.redirectThenBearerRealm, "HEAD"):
            return HostileReply(
                status: 307, headers: [("Location", "http://\(elsewhereHost)/v2/\(name)/manifests/\(reference)")])
        case (.redirectToUnixScheme, "DELETE"),
            (.redirectToUnixScheme, "GET") where request.method == "DELETE" || !byDigest:
            let socket = unixSocketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? unixSocketPath
            return HostileReply(
                status: 302, headers: [("Location", "http+unix://\(socket)/v2/\(name)/manifests/\(reference)")])
        case (.hugeRetryAfter, "GET") where once("manifest"):
            return .error(429, code: "TOOMANYREQUESTS", message: "slow down", headers: [("Retry-After", "inf")])
        default: break
        }
        switch request.method {
        case "GET", "HEAD":
            guard let (digest, manifest) = content.withValue({ $0.resolve(reference, in: name) }) else {
                return .error(404, code: "MANIFEST_UNKNOWN", message: "manifest unknown")
            }
            let reply = manifestReply(digest: digest, manifest: manifest)
            let special = [.trickleBody, .hugeBody, .headerFlood].contains(mode) && request.method == "GET"
            let isFirst = content.withValue { $0.repositories[name]?.tags["1.0"] } == digest
            return special && isFirst ? shaped(reply, contentType: MediaType.ociManifest) : reply
        case "DELETE":
            if mode == .uploadLocationOtherHost && !byDigest {
                // distribution 2.x: no tag delete, so a purge takes the placeholder (upload) path.
                return .error(400, code: "UNSUPPORTED", message: "The operation is unsupported.")
            }
            let exists = content.withValue { $0.resolve(reference, in: name) != nil }
            guard exists else { return .error(404, code: "MANIFEST_UNKNOWN", message: "manifest unknown") }
            if mode != .deleteIgnored { _ = content.withValue { $0.delete(reference, in: name) } }
            return .text(202, "")
        case "PUT":
            let type = request.header("Content-Type") ?? MediaType.ociManifest
            let digest = content.withValue {
                $0.add(body, mediaType: type, in: name, tags: byDigest ? [] : [reference])
            }
            return .text(
                201, "",
                headers: [
                    ("Docker-Content-Digest", digest.description), ("Location", "/v2/\(name)/manifests/\(digest)"),
                ])
        default:
            return .error(405, code: "UNSUPPORTED", message: "method not allowed")
        }
    }

    private func manifestReply(digest: Digest, manifest: StoredManifest) -> HostileReply {
        .data(
            manifest.body,
            headers: [("Content-Type", manifest.mediaType), ("Docker-Content-Digest", digest.description)])
    }

    private func upload(
        _ request: Request, repository name: String, id: String, body: Data, content: LockedBox<HostileContent>
    ) -> HostileReply {
        switch request.method {
        case "POST":
            let uuid = UUID().uuidString.lowercased()
            let location =
                mode == .uploadLocationOtherHost
                ? "http://\(elsewhereHost)/v2/\(name)/blobs/uploads/\(uuid)?_state=hostile"
                : "/v2/\(name)/blobs/uploads/\(uuid)"
            return .text(202, "", headers: [("Location", location), ("Docker-Upload-UUID", uuid), ("Range", "0-0")])
        case "PUT":
            guard let digest = request.query["digest"].flatMap(Digest.init), digest.matches(body) else {
                return .error(400, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content")
            }
            content.withValue { $0.blobs[digest] = body }
            return .text(
                201, "",
                headers: [("Docker-Content-Digest", digest.description), ("Location", "/v2/\(name)/blobs/\(digest)")])
        default:
            return .error(405, code: "UNSUPPORTED", message: "method not allowed")
        }
    }

    // MARK: Helpers

    /// True the first time `key` is asked about, false after.
    private func once(_ key: String) -> Bool {
        answeredOnce.withValue { $0.insert(key).inserted }
    }

    /// `/v2/<name>/<marker><rest>` split into name and rest, at the last marker.
    static func split(_ path: String, at marker: String) -> (String, String)? {
        guard path.hasPrefix("/v2/"), let range = path.range(of: marker, options: .backwards) else { return nil }
        let name = String(path[path.index(path.startIndex, offsetBy: 4)..<range.lowerBound])
        return name.isEmpty ? nil : (name, String(path[range.upperBound...]))
    }
}
