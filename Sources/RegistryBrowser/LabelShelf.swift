import RegistryClient

/// The labels of the image configs the details pane has shown, read when an image is selected.
///
/// The inventory does not hold labels: the details pane is their only reader, and held for every
/// image they were a box and a few strings under nearly each of them (real images carry a dozen
/// labels or more). A config is content-addressed, so what was read never goes stale; the shelf
/// keeps the last `capacity` configs and forgets the oldest.
public struct LabelShelf: Sendable {
    /// What is known of one config's labels.
    public enum Entry: Sendable, Equatable {
        /// Asked for (`BrowserCommand.readLabels`), not answered yet.
        case pending
        case read([String: String])
        /// The config could not be read or parsed; the reason is shown in its place.
        case unreadable(String)
    }

    public static let capacity = 256

    private var entries: [Digest: Entry] = [:]
    /// Oldest first, for forgetting.
    private var order: [Digest] = []

    public init() {}

    public func entry(_ config: Digest) -> Entry? { entries[config] }

    public var count: Int { entries.count }

    /// Marks `config` as asked for; false when it is already known or asked for.
    mutating func request(_ config: Digest) -> Bool {
        guard entries[config] == nil else { return false }
        if order.count >= Self.capacity {
            let oldest = order.removeFirst()
            entries[oldest] = nil
        }
        order.append(config)
        entries[config] = .pending
        return true
    }

    /// Keeps an answer, if the request is still on the shelf (one forgotten meanwhile is asked
    /// for again when its image is shown again).
    mutating func store(_ config: Digest, _ entry: Entry) {
        guard entries[config] != nil else { return }
        entries[config] = entry
    }
}
