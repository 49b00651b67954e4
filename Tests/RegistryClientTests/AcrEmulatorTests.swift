import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// The ACR emulator against independent clients (skopeo) and raw HTTP: ACR's shapes, paging,
/// locks and token behaviour, as ACR's API description and the Azure SDKs' recorded sessions show them.
@Suite("ACR emulator")
struct AcrEmulatorTests {
    // MARK: - skopeo

    @Test(
        "pushed with admin credentials through RegistryClient; skopeo reads, lists, copies and deletes with the refresh token"
    )
    func skopeoRoundTrip() async throws {
        try await AcrEmulator.with { acr in
            let (one, two) = try await withClient(acr, credentials: acr.adminCredentials) { client in
                let pusher = FixturePusher(client: client)
                let one = try await pusher.pushImage(
                    repository: "team/app", tags: ["1.0", "latest"], spec: ImageSpec(seed: "one", created: nil))
                let two = try await pusher.pushImage(
                    repository: "team/app", tags: ["2.0"],
                    spec: ImageSpec(seed: "two", created: nil, platform: Platform(architecture: "arm64", os: "linux")))
                return (one, two)
            }
            #expect(acr.tags(repository: "team/app") == ["1.0": one.digest, "latest": one.digest, "2.0": two.digest])

            let raw = try await skopeo(acr, ["inspect", "--raw"], "docker://\(acr.host)/team/app:1.0")
            #expect(Digest.sha256(of: raw) == one.digest)

            struct Listing: Decodable { var Tags: [String] }
            let listing = try JSONDecoder().decode(
                Listing.self, from: try await skopeo(acr, ["list-tags"], "docker://\(acr.host)/team/app"))
            #expect(listing.Tags.sorted() == ["1.0", "2.0", "latest"])

            _ = try await skopeo(
                acr, ["copy", "--preserve-digests", "--dest-tls-verify=false", "--src-tls-verify=false"],
                "docker://\(acr.host)/team/app:2.0", "docker://\(acr.host)/team/copy:2.0",
                credentialsFlag: "--src-creds",
                extraCredentialsFlag: "--dest-creds", verifyFlag: nil)
            #expect(acr.tags(repository: "team/copy") == ["2.0": two.digest])

            _ = try await skopeo(acr, ["delete"], "docker://\(acr.host)/team/copy:2.0")
            #expect(acr.manifestDigests(repository: "team/copy").isEmpty)
            #expect(acr.tags(repository: "team/app").count == 3, "the source repository is untouched")
            #expect(
                acr.requests().contains { $0.method == "DELETE" && $0.path == "/v2/team/copy/manifests/\(two.digest)" })
        }
    }

    // MARK: - /acr/v1 shapes and paging

    @Test("_tags?orderby=timedesc pages 250 tags through opaque Link cursors: each once, newest lastUpdateTime first")
    func timeOrderedPaging() async throws {
        try await AcrEmulator.with { acr in
            let image = try await withClient(acr, credentials: acr.adminCredentials) { client in
                try await FixturePusher(client: client).pushImage(
                    repository: "paged", tags: ["seed"], spec: ImageSpec(seed: "paged", created: nil))
            }
            let names = (0..<250).map { "t\($0)" }
            let manifest = try await http(acr, "GET", "/v2/paged/manifests/seed", basic: true)
            #expect(manifest.status == 200)
            for name in names {
                let put = try await http(
                    acr, "PUT", "/v2/paged/manifests/\(name)", basic: true, body: manifest.body,
                    headers: [("Content-Type", manifest.header("Content-Type") ?? "")])
                #expect(put.status == 201)
            }
            acr.setTimes(
                repository: "paged", tag: "seed", created: Date(timeIntervalSince1970: 0),
                lastUpdated: Date(timeIntervalSince1970: 0))
            // A shuffled, collision-free set of times, so name order and time order differ.
            var generator = SeededGenerator(seed: 7)
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            let offsets = Array(0..<names.count).shuffled(using: &generator)
            var expected: [(String, Date)] = []
            for (name, offset) in zip(names, offsets) {
                let time = base.addingTimeInterval(TimeInterval(offset) * 60)
                acr.setTimes(repository: "paged", tag: name, created: base, lastUpdated: time)
                expected.append((name, time))
            }
            expected.append(("seed", Date(timeIntervalSince1970: 0)))
            let newestFirst = expected.sorted { $0.1 > $1.1 }.map(\.0)

            let token = try await accessToken(acr, scopes: ["repository:paged:metadata_read"])
            var seen: [String] = []
            var path: String? = "/acr/v1/paged/_tags?orderby=timedesc&n=100"
            var pages = 0
            while let next = path, pages < 10 {
                let page = try await http(acr, "GET", next, bearer: token)
                #expect(page.status == 200)
                let object = try #require(try JSONSerialization.jsonObject(with: page.body) as? [String: Any])
                #expect(object["registry"] as? String == acr.host)
                #expect(object["imageName"] as? String == "paged")
                let tags = try #require(object["tags"] as? [[String: Any]])
                if let first = tags.first {
                    #expect(
                        Set(first.keys)
                            == ["name", "digest", "createdTime", "lastUpdateTime", "signed", "changeableAttributes"])
                    let attributes = try #require(first["changeableAttributes"] as? [String: Bool])
                    #expect(
                        attributes == [
                            "deleteEnabled": true, "writeEnabled": true, "readEnabled": true, "listEnabled": true,
                        ])
                    #expect(first["digest"] as? String == image.digest.description)
                    #expect((first["lastUpdateTime"] as? String)?.hasSuffix("Z") == true)
                }
                seen += tags.compactMap { $0["name"] as? String }
                path = nextLink(page)
                if let link = path {
                    let last = URLComponents(string: link)?.queryItems?.first { $0.name == "last" }?.value
                    #expect(last != nil && !names.contains(last ?? ""), "with orderby, last is an opaque cursor")
                    #expect(link.hasPrefix("/acr/v1/paged/_tags?") && link.contains("orderby=timedesc"))
                }
                pages += 1
            }
            #expect(pages == 3)
            #expect(seen == newestFirst)
            #expect(Set(seen).count == 251)
        }
    }

    @Test("_manifests lists untagged manifests without a tags field; an index has references and no platform")
    func manifestShapes() async throws {
        try await AcrEmulator.with { acr in
            let (index, untagged) = try await withClient(acr, credentials: acr.adminCredentials) { client in
                let pusher = FixturePusher(client: client)
                let index = try await pusher.pushIndex(
                    repository: "multi", tags: ["v1"],
                    children: [
                        ImageSpec(seed: "amd", created: nil),
                        ImageSpec(seed: "arm", created: nil, platform: Platform(architecture: "arm64", os: "linux")),
                    ])
                let untagged = try await pusher.pushImage(
                    repository: "multi", tags: [], spec: ImageSpec(seed: "loose", created: nil))
                return (index, untagged)
            }
            let token = try await accessToken(acr, scopes: ["repository:multi:metadata_read"])
            let list = try await http(acr, "GET", "/acr/v1/multi/_manifests", bearer: token)
            #expect(list.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: list.body) as? [String: Any])
            let manifests = try #require(object["manifests"] as? [[String: Any]])
            #expect(manifests.count == 4)
            let digests = manifests.compactMap { $0["digest"] as? String }
            #expect(digests == digests.sorted(), "without orderby ACR lists by digest")
            let byDigest = Dictionary(uniqueKeysWithValues: manifests.map { ($0["digest"] as? String ?? "", $0) })
            let loose = try #require(byDigest[untagged.digest.description])
            #expect(loose["tags"] == nil, "ACR leaves tags out of an untagged manifest")
            #expect(loose["architecture"] as? String == "amd64")
            #expect(loose["os"] as? String == "linux")
            #expect(loose["mediaType"] as? String == MediaType.ociManifest)
            #expect((loose["imageSize"] as? Int ?? 0) > 0)
            let listEntry = try #require(byDigest[index.index.digest.description])
            #expect(listEntry["tags"] as? [String] == ["v1"])
            #expect(listEntry["architecture"] == nil)
            #expect(listEntry["references"] == nil, "references only in the single-manifest answer")

            let single = try await http(acr, "GET", "/acr/v1/multi/_manifests/\(index.index.digest)", bearer: token)
            let envelope = try #require(try JSONSerialization.jsonObject(with: single.body) as? [String: Any])
            let manifest = try #require(envelope["manifest"] as? [String: Any])
            let references = try #require(manifest["references"] as? [[String: Any]])
            #expect(references.compactMap { $0["architecture"] as? String }.sorted() == ["amd64", "arm64"])
            #expect(
                Set(references.compactMap { $0["digest"] as? String }) == Set(index.children.map(\.digest.description)))
        }
    }

    // MARK: - Locks

    @Test(
        "a delete-locked tag answers 405 REGISTRY_DISALLOWED_OPERATION; PATCH unlocks; then DELETE untags and the sibling survives"
    )
    func locks() async throws {
        try await AcrEmulator.with { acr in
            let image = try await withClient(acr, credentials: acr.adminCredentials) { client in
                try await FixturePusher(client: client).pushImage(
                    repository: "locked", tags: ["keep", "old", "frozen"], spec: ImageSpec(seed: "lock", created: nil))
            }
            acr.setAttributes(repository: "locked", tag: "old", deleteEnabled: false, writeEnabled: nil)
            acr.setAttributes(repository: "locked", tag: "frozen", deleteEnabled: nil, writeEnabled: false)
            let token = try await accessToken(
                acr, scopes: ["repository:locked:pull,push,delete,metadata_read,metadata_write"])

            let refused = try await http(acr, "DELETE", "/acr/v1/locked/_tags/old", bearer: token)
            #expect(refused.status == 405)
            #expect(try errorCodes(refused) == [AcrEmulator.disallowedCode])
            #expect(String(decoding: refused.body, as: UTF8.self).contains("The operation is disallowed"))
            let byDigest = try await http(acr, "DELETE", "/v2/locked/manifests/\(image.digest)", bearer: token)
            #expect(byDigest.status == 405, "a manifest with a delete-locked tag is not deleted")

            let manifest = try await http(acr, "GET", "/v2/locked/manifests/keep", bearer: token)
            let overwrite = try await http(
                acr, "PUT", "/v2/locked/manifests/frozen", bearer: token, body: manifest.body,
                headers: [("Content-Type", manifest.header("Content-Type") ?? "")])
            #expect(overwrite.status == 405, "writeEnabled: false refuses a push onto the tag")
            #expect(try errorCodes(overwrite) == [AcrEmulator.disallowedCode])
            let deleteFrozen = try await http(acr, "DELETE", "/acr/v1/locked/_tags/frozen", bearer: token)
            #expect(deleteFrozen.status == 405, "writeEnabled: false refuses deletes too")

            let patch = try await http(
                acr, "PATCH", "/acr/v1/locked/_tags/old", bearer: token, body: Data(#"{"deleteEnabled":true}"#.utf8),
                headers: [("Content-Type", "application/json")])
            #expect(patch.status == 200)
            let patched = try #require(try JSONSerialization.jsonObject(with: patch.body) as? [String: Any])
            let tag = try #require(patched["tag"] as? [String: Any])
            #expect((tag["changeableAttributes"] as? [String: Bool])?["deleteEnabled"] == true)
            #expect(tag["name"] as? String == "old")

            let deleted = try await http(acr, "DELETE", "/acr/v1/locked/_tags/old", bearer: token)
            #expect(deleted.status == 202)
            #expect(deleted.header("X-Ms-Int-Docker-Content-Digest") == image.digest.description)
            #expect(acr.tags(repository: "locked") == ["keep": image.digest, "frozen": image.digest])
            #expect(acr.manifestDigests(repository: "locked") == [image.digest])
            let gone = try await http(acr, "GET", "/acr/v1/locked/_tags/old", bearer: token)
            #expect(gone.status == 404)
            #expect(try errorCodes(gone) == ["TAG_UNKNOWN"])
        }
    }

    @Test("DELETE of a manifest by digest removes it and every tag on it")
    func manifestDeleteRemovesTags() async throws {
        try await AcrEmulator.with { acr in
            let (one, two) = try await withClient(acr, credentials: acr.adminCredentials) { client in
                let pusher = FixturePusher(client: client)
                return (
                    try await pusher.pushImage(
                        repository: "gc", tags: ["a", "b"], spec: ImageSpec(seed: "gc-a", created: nil)),
                    try await pusher.pushImage(
                        repository: "gc", tags: ["c"], spec: ImageSpec(seed: "gc-c", created: nil))
                )
            }
            let token = try await accessToken(acr, scopes: ["repository:gc:delete"])
            let deleted = try await http(acr, "DELETE", "/v2/gc/manifests/\(one.digest)", bearer: token)
            #expect(deleted.status == 202)
            #expect(acr.tags(repository: "gc") == ["c": two.digest])
            #expect(acr.manifestDigests(repository: "gc") == [two.digest])
            let again = try await http(acr, "DELETE", "/v2/gc/manifests/\(one.digest)", bearer: token)
            #expect(again.status == 404)
        }
    }

    // MARK: - Auth

    @Test(
        "challenges: /v2/ names realm and service; a route names its scope; revoked, expired and too narrow tokens get 401"
    )
    func tokens() async throws {
        try await AcrEmulator.with { acr in
            _ = try await withClient(acr, credentials: acr.adminCredentials) { client in
                try await FixturePusher(client: client).pushImage(
                    repository: "auth/app", tags: ["1"], spec: ImageSpec(seed: "auth", created: nil))
            }
            let ping = try await http(acr, "GET", "/v2/")
            #expect(ping.status == 401)
            #expect(
                ping.header("WWW-Authenticate")
                    == "Bearer realm=\"http://\(acr.host)/oauth2/token\",service=\"\(acr.host)\"")

            let anonymous = try await http(acr, "GET", "/acr/v1/auth/app/_tags")
            #expect(anonymous.status == 401)
            #expect(
                anonymous.header("WWW-Authenticate")
                    == "Bearer realm=\"http://\(acr.host)/oauth2/token\",service=\"\(acr.host)\",scope=\"repository:auth/app:metadata_read\""
            )
            #expect(try errorCodes(anonymous) == ["UNAUTHORIZED"])

            let token = try await accessToken(acr, scopes: ["repository:auth/app:metadata_read"])
            #expect(try await http(acr, "GET", "/acr/v1/auth/app/_tags", bearer: token).status == 200)
            #expect(try await http(acr, "GET", "/v2/", bearer: token).status == 200)

            let narrow = try await http(acr, "DELETE", "/acr/v1/auth/app/_tags/1", bearer: token)
            #expect(narrow.status == 401, "a token has exactly the scopes asked for")
            #expect(narrow.header("WWW-Authenticate")?.hasSuffix(",error=\"insufficient_scope\"") == true)
            #expect(narrow.header("WWW-Authenticate")?.contains("scope=\"repository:auth/app:delete\"") == true)

            acr.revokeAccessTokens()
            let revoked = try await http(acr, "GET", "/acr/v1/auth/app/_tags", bearer: token)
            #expect(revoked.status == 401)
            #expect(revoked.header("WWW-Authenticate")?.contains("scope=\"repository:auth/app:metadata_read\"") == true)

            let expired = try acr.mintAccessToken(scopes: ["repository:auth/app:metadata_read"], lifetime: -5)
            #expect(try await http(acr, "GET", "/acr/v1/auth/app/_tags", bearer: expired).status == 401)

            let fresh = try await accessToken(acr, scopes: ["repository:auth/app:metadata_read"])
            #expect(try await http(acr, "GET", "/acr/v1/auth/app/_tags", bearer: fresh).status == 200)
        }
    }

    @Test(
        "token service: exchange gives a refresh token; POST answers only access_token; Basic admin and token user work; wrong ones 401"
    )
    func tokenService() async throws {
        try await AcrEmulator.with { acr in
            let service = AcrEmulatorTests.formEscape(acr.host)
            let exchange = try await http(
                acr, "POST", "/oauth2/exchange",
                body: Data(
                    "grant_type=access_token&service=\(service)&access_token=\(AcrEmulator.fakeAADAccessToken)".utf8),
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(exchange.status == 200)
            let exchanged = try #require(try JSONSerialization.jsonObject(with: exchange.body) as? [String: String])
            #expect(Set(exchanged.keys) == ["refresh_token"])
            let refresh = try #require(exchanged["refresh_token"])

            let post = try await http(
                acr, "POST", "/oauth2/token",
                body: Data(
                    "grant_type=refresh_token&service=\(service)&scope=registry%3Acatalog%3A%2A&refresh_token=\(refresh)"
                        .utf8),
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(post.status == 200)
            let answer = try #require(try JSONSerialization.jsonObject(with: post.body) as? [String: String])
            #expect(Set(answer.keys) == ["access_token"], "ACR sends no expires_in")
            let catalog = try await http(acr, "GET", "/acr/v1/_catalog", bearer: answer["access_token"])
            #expect(catalog.status == 200)

            let wrongAAD = try await http(
                acr, "POST", "/oauth2/exchange",
                body: Data("grant_type=access_token&service=\(service)&access_token=nope".utf8),
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(wrongAAD.status == 401)

            for (user, password, status) in [
                (acr.adminUsername, acr.adminPassword, 200), (AcrEmulator.tokenUsername, acr.refreshToken, 200),
                (acr.adminUsername, "wrong", 401), (AcrEmulator.tokenUsername, "not-a-refresh-token", 401),
            ] {
                let basic = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
                let got = try await http(
                    acr, "GET", "/oauth2/token?service=\(service)&scope=repository%3Ax%3Apull",
                    headers: [("Authorization", basic)])
                #expect(got.status == status, "\(user)")
            }
            #expect(!acr.requests().isEmpty)
            #expect(!acr.requests().contains { $0.query.values.contains(acr.refreshToken) })
        }
    }

    // MARK: - Helpers

    private func withClient<T>(
        _ acr: AcrEmulator, credentials: Credentials, _ body: (RegistryClient) async throws -> T
    ) async throws -> T {
        try await AsyncHTTPTransport.withTransport { transport in
            try await body(RegistryClient(endpoint: acr.endpoint, credentials: credentials, transport: transport))
        }
    }

    /// One raw request: Basic admin credentials when `basic`, or a bearer token.
    private func http(
        _ acr: AcrEmulator, _ method: String, _ path: String, basic: Bool = false, bearer: String? = nil,
        body: Data? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPResponseData {
        var all = headers
        if basic {
            all.append(
                (
                    "Authorization",
                    "Basic " + Data("\(acr.adminUsername):\(acr.adminPassword)".utf8).base64EncodedString()
                ))
        }
        if let bearer { all.append(("Authorization", "Bearer \(bearer)")) }
        let url = try #require(URL(string: "http://\(acr.host)\(path)"))
        return try await AsyncHTTPTransport.withTransport { transport in
            try await transport.send(HTTPRequestData(method: method, url: url, headers: all, body: body))
        }
    }

    /// An access token from `POST /oauth2/token` with the emulator's refresh token.
    private func accessToken(_ acr: AcrEmulator, scopes: [String]) async throws -> String {
        var form = "grant_type=refresh_token&service=\(Self.formEscape(acr.host))&refresh_token=\(acr.refreshToken)"
        for scope in scopes { form += "&scope=\(Self.formEscape(scope))" }
        let answer = try await http(
            acr, "POST", "/oauth2/token", body: Data(form.utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(answer.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: String])
        return try #require(object["access_token"])
    }

    private static func formEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The `<…>` of a `Link: <…>; rel="next"` header.
    private func nextLink(_ response: HTTPResponseData) -> String? {
        guard let link = response.header("Link"), link.contains("rel=\"next\""),
            let start = link.firstIndex(of: "<"), let end = link.firstIndex(of: ">")
        else { return nil }
        return String(link[link.index(after: start)..<end])
    }

    private func errorCodes(_ response: HTTPResponseData) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        return (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    /// Runs skopeo against the emulator, logged in as the token user with the refresh token.
    private func skopeo(
        _ acr: AcrEmulator, _ command: [String], _ references: String..., credentialsFlag: String = "--creds",
        extraCredentialsFlag: String? = nil, verifyFlag: String? = "--tls-verify=false"
    ) async throws -> Data {
        let creds = "\(AcrEmulator.tokenUsername):\(acr.refreshToken)"
        var arguments = command + [credentialsFlag, creds]
        if let extraCredentialsFlag { arguments += [extraCredentialsFlag, creds] }
        if let verifyFlag { arguments.append(verifyFlag) }
        arguments += references
        let result = try await ProcessRunner.run("/usr/bin/skopeo", arguments)
        #expect(result.status == 0, "skopeo \(command.joined(separator: " ")): \(result.stderrText)")
        return result.stdout
    }
}
