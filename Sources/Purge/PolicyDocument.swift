/// A retention policy as its file states it: the texts of its keys, before they are compiled.
///
/// `RetentionPolicy` is what the planner runs; this is what a person wrote and reads in a diff
/// (`ago: 14d`, not 1,209,600 seconds). The browser edits it, and a policy file is written back
/// from it.
public struct PolicyDocument: Sendable, Equatable {
    /// The registry the file names, if it does.
    public var registry: String?
    /// `protect:` filters, as written.
    public var protect: [String]
    public var rules: [Rule]

    /// One rule, with the keys a policy file gives it.
    public struct Rule: Sendable, Equatable {
        public var name: String
        public var action: Action
        public var filters: [String]
        /// The `ago` text (`14d`, `1d12h`), nil when the rule has none.
        public var ago: String?
        public var keep: Int
        public var untagged: Bool
        public var untaggedOnly: Bool
        public var includeLocked: Bool

        public init(
            name: String, action: Action = .delete, filters: [String], ago: String? = nil,
            keep: Int = 0, untagged: Bool = false, untaggedOnly: Bool = false, includeLocked: Bool = false
        ) {
            self.name = name
            self.action = action
            self.filters = filters
            self.ago = ago
            self.keep = keep
            self.untagged = untagged
            self.untaggedOnly = untaggedOnly
            self.includeLocked = includeLocked
        }
    }

    public init(registry: String? = nil, protect: [String] = [], rules: [Rule]) {
        self.registry = registry
        self.protect = protect
        self.rules = rules
    }

    /// Compiles the document with the flags' own checks: the policy the planner runs, or the first
    /// problem, naming its rule.
    public func retention() throws(PurgeError) -> RetentionPolicy {
        var protectFilters: [PurgeFilter] = []
        for text in protect { protectFilters.append(try PurgeFilter(text, field: .protect, named: "protect")) }
        var compiled: [RetentionRule] = []
        for rule in rules {
            if rule.action == .keep {
                var filters: [PurgeFilter] = []
                for text in rule.filters { filters.append(try PurgeFilter(text, field: .filter)) }
                compiled.append(.keep(rule.name, filters: filters))
                continue
            }
            let policy = try PurgePolicy.parse(
                filters: rule.filters, ago: rule.ago, keep: rule.keep, untagged: rule.untagged,
                untaggedOnly: rule.untaggedOnly, includeLocked: rule.includeLocked)
            compiled.append(RetentionRule(name: rule.name, policy: policy))
        }
        return RetentionPolicy(protect: protectFilters, rules: compiled)
    }
}
