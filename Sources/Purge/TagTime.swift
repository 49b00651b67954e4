import Foundation

/// When a tag's image was made, and how we know.
///
/// Generic registries keep no push time, so the time comes from the image itself; every tag shows
/// where its time came from so that a verdict based on age can be checked.
public struct TagTime: Sendable, Hashable, Codable {
    /// Where the time came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The image config's `created`.
        case configCreated = "config created"
        /// The newest `created` of an index's children.
        case newestChild = "newest child's created"
        /// The manifest annotation `org.opencontainers.image.created`.
        case annotation = "annotation created"
        /// A vendor API's push/update time (ACR `lastUpdateTime`).
        case vendor = "ACR last update"
        /// A date was found but is before Docker existed (reproducible builds stamp 1970 or 1980).
        case implausible = "implausible date"
        /// No date anywhere.
        case none = "no date"
    }

    /// The time, when it is known and plausible.
    public var date: Date?
    public var source: Source
    /// The raw date that was rejected as implausible, for display.
    public var rejected: Date?

    public init(date: Date?, source: Source, rejected: Date? = nil) {
        self.date = date
        self.source = source
        self.rejected = rejected
    }

    public static let unknown = TagTime(date: nil, source: .none)

    /// 2013-03-20, Docker's first release: a date before it is a placeholder, not a build time.
    public static let earliestPlausible = Date(timeIntervalSince1970: 1_363_737_600)

    /// A time from `source`, unless it is missing or implausible.
    public static func from(_ date: Date?, source: Source) -> TagTime? {
        guard let date else { return nil }
        guard date >= earliestPlausible else { return TagTime(date: nil, source: .implausible, rejected: date) }
        return TagTime(date: date, source: source)
    }
}
