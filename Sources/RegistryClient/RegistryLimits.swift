/// Bounds on what one registry may make the client do, so that a broken or hostile server cannot
/// keep it busy forever.
public struct RegistryLimits: Sendable, Equatable {
    /// Pages one listing may have. At distribution's 1,000 entries a page, the default allows ten
    /// million tags; a server that links on past it is looping.
    public var maxPages: Int
    /// Redirects one request may follow.
    public var maxRedirects: Int

    public init(maxPages: Int = 10_000, maxRedirects: Int = 5) {
        self.maxPages = max(1, maxPages)
        self.maxRedirects = max(0, maxRedirects)
    }
}
