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

    /// Every repository name, following `_catalog` pagination. Names outside the spec's grammar are
    /// left out and reported through `onWarning` (escaped): they never reach a request path.
    public func repositories(pageSize: Int = 1000) async throws -> [String] {
        struct Page: Decodable { var repositories: [String]? }
        let first = try url("/v2/_catalog", query: [URLQueryItem(name: "n", value: String(min(pageSize, 1000)))])
        let names = try await paginate(first, scope: .catalog, what: "listing repositories") { data in
            try JSONDecoder().decode(Page.self, from: data).repositories ?? []
        }
        return valid(names, kind: "repository", isValid: ReferenceGrammar.isValidRepository)
    }

    /// Every tag of a repository, following pagination; invalid tags are left out and reported.
    public func tags(repository: String, pageSize: Int = 1000) async throws -> [String] {
        struct Page: Decodable { var tags: [String]? }
        let first = try url(
            "/v2/\(try Self.checked(repository: repository))/tags/list",
            query: [URLQueryItem(name: "n", value: String(pageSize))])
        let names = try await paginate(
            first, scope: .repository(repository, "pull"), what: "listing the tags of \(repository)"
        ) { data in
            try JSONDecoder().decode(Page.self, from: data).tags ?? []
        }
        return valid(names, kind: "tag in \(repository)", isValid: ReferenceGrammar.isValidTag)
    }

    /// The names that follow the grammar, in order and without duplicates; the others reported.
    private func valid(_ names: [String], kind: String, isValid: (String) -> Bool) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        result.reserveCapacity(names.count)
        for name in names {
            guard isValid(name) else {
                warn("skipped the \(kind) '\(SafeText.escape(name))': not a valid name by the distribution spec")
                continue
            }
            if seen.insert(name).inserted { result.append(name) }
        }
        return result
    }

    /// Follows `Link: <…>; rel="next"` until there is none. `n` is only a hint to the server. A link
    /// back to a page already seen ends the walk; a link off the registry's API is refused; more
    /// than `limits.maxPages` pages is an error (a server that never stops linking is looping).
    func paginate<Item>(
        _ first: URL, scope: AccessScope, what: String, decode: (Data) throws -> [Item]
    ) async throws -> [Item] {
        var items: [Item] = []
        var seen: Set<String> = []
        var next: URL? = first
        while let url = next {
            guard seen.insert(url.absoluteString).inserted else {
                logger.warning(
                    "pagination loop: the registry linked back to a page already read; stopping",
                    metadata: ["url": "\(SafeText.escape(Redaction.url(url.absoluteString)))"])
                break
            }
            guard seen.count <= limits.maxPages else {
                throw RegistryError(
                    .tooManyPages, "\(what): the registry sent more than \(limits.maxPages) pages",
                    url: url.absoluteString,
                    hint: "the registry keeps linking to new pages; it is looping or misbehaving")
            }
            try requireOnRegistry(url, namedBy: "the registry's Link header")
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
