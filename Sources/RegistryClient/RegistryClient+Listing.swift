import Foundation

extension RegistryClient {
    /// Checks that the registry answers the API, authenticating if it asks to.
    public func ping() async throws {
        let url = try url("/v2/")
        let response = try await send("GET", url, scope: nil, maxResponseBytes: 1 << 20)
        guard (200..<300).contains(response.status) else {
            throw failure(response, doing: "checking the registry API", url: url, method: "GET", scope: nil)
        }
    }

    /// Every repository name, following `_catalog` pagination.
    public func repositories(pageSize: Int = 1000) async throws -> [String] {
        struct Page: Decodable { var repositories: [String]? }
        let first = try url("/v2/_catalog", query: [URLQueryItem(name: "n", value: String(min(pageSize, 1000)))])
        return try await paginate(first, scope: .catalog, what: "listing repositories") { data in
            try JSONDecoder().decode(Page.self, from: data).repositories ?? []
        }
    }

    /// Every tag of a repository, following pagination.
    public func tags(repository: String, pageSize: Int = 1000) async throws -> [String] {
        struct Page: Decodable { var tags: [String]? }
        let first = try url(
            "/v2/\(repository)/tags/list", query: [URLQueryItem(name: "n", value: String(pageSize))])
        return try await paginate(
            first, scope: .repository(repository, "pull"), what: "listing the tags of \(repository)"
        ) { data in
            try JSONDecoder().decode(Page.self, from: data).tags ?? []
        }
    }

    /// Follows `Link: <…>; rel="next"` until there is none. `n` is only a hint to the server, and a
    /// server that links back to a page already seen ends the walk instead of looping forever.
    func paginate(
        _ first: URL, scope: AccessScope, what: String, decode: (Data) throws -> [String]
    ) async throws -> [String] {
        var items: [String] = []
        var seen: Set<String> = []
        var next: URL? = first
        while let url = next {
            guard seen.insert(url.absoluteString).inserted else {
                logger.warning(
                    "pagination loop: the registry linked back to a page already read; stopping",
                    metadata: [
                        "url": "\(Redaction.url(url.absoluteString))"
                    ])
                break
            }
            let response = try await send("GET", url, scope: scope)
            guard response.status == 200 else {
                throw failure(response, doing: what, url: url, method: "GET", scope: scope)
            }
            do {
                items += try decode(response.body)
            } catch {
                throw RegistryError(
                    .invalidResponse, "\(what): the registry's answer is not the expected JSON", status: 200,
                    url: url.absoluteString)
            }
            next = LinkHeader.next(in: response.headers(named: "Link"), relativeTo: url)
        }
        return items
    }
}
