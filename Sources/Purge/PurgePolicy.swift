import Foundation

/// What to purge: the validated form of `purge`'s flags (and of the browser's filter composer).
public struct PurgePolicy: Sendable, Equatable {
    public var filters: [PurgeFilter]
    /// Only tags older than this are deleted; nil with `--untagged-only`, where age is not asked.
    public var ago: TimeInterval?
    /// Per repository, spare this many newest eligible tags.
    public var keep: Int
    /// After the tag phase, delete manifests left without tags.
    public var untagged: Bool
    /// Skip the tag phase; only delete manifests that have no tags.
    public var untaggedOnly: Bool
    public var includeLocked: Bool
    /// Tags matching these are never deleted.
    public var protect: [PurgeFilter]

    public init(
        filters: [PurgeFilter], ago: TimeInterval?, keep: Int = 0, untagged: Bool = false, untaggedOnly: Bool = false,
        includeLocked: Bool = false, protect: [PurgeFilter] = []
    ) {
        self.filters = filters
        self.ago = ago
        self.keep = keep
        self.untagged = untagged
        self.untaggedOnly = untaggedOnly
        self.includeLocked = includeLocked
        self.protect = protect
    }

    /// Validates raw flag values. Every problem is reported before any request is made.
    public static func parse(
        filters: [String], ago: String?, keep: Int = 0, untagged: Bool = false, untaggedOnly: Bool = false,
        includeLocked: Bool = false, protect: [String] = []
    ) throws(PurgeError) -> PurgePolicy {
        if untagged && untaggedOnly {
            throw PurgeError(.untagged, "--untagged and --untagged-only exclude each other: pick one")
        }
        guard !filters.isEmpty || untaggedOnly else {
            throw PurgeError(.filter, "at least one --filter is needed; \(PurgeFilter.expectedForm)")
        }
        guard keep >= 0 else { throw PurgeError(.keep, "--keep must be 0 or more (got \(keep))") }
        var parsedFilters: [PurgeFilter] = []
        for filter in filters { parsedFilters.append(try PurgeFilter(filter, field: .filter)) }
        var parsedProtect: [PurgeFilter] = []
        for filter in protect { parsedProtect.append(try PurgeFilter(filter, field: .protect)) }
        var interval: TimeInterval?
        if let ago {
            interval = try AgoDuration.parse(ago)
        } else if !untaggedOnly {
            throw PurgeError(.ago, "--ago is required (use --ago 0d to ignore age); \(AgoDuration.acceptedForms)")
        }
        return PurgePolicy(
            filters: parsedFilters, ago: interval, keep: keep, untagged: untagged, untaggedOnly: untaggedOnly,
            includeLocked: includeLocked, protect: parsedProtect)
    }

    /// Whether any filter's repository part matches `repository` (with `--untagged-only` and no
    /// filter, every repository is in scope).
    public func selects(repository: String) -> Bool {
        if filters.isEmpty { return untaggedOnly }
        return filters.contains { $0.matches(repository: repository) }
    }

    /// The filter that selects a tag, if any.
    public func filter(selecting tag: String, in repository: String) -> PurgeFilter? {
        filters.first { $0.matches(repository: repository, tag: tag) }
    }

    /// The protect rule covering a tag, if any.
    public func protection(of tag: String, in repository: String) -> PurgeFilter? {
        protect.first { $0.matches(repository: repository, tag: tag) }
    }

    /// Tags made before this are old enough; nil when age is not consulted (`--ago 0d` or none).
    public func cutoff(now: Date) -> Date? {
        guard let ago, ago > 0 else { return nil }
        return now.addingTimeInterval(-ago)
    }
}
