/// One rule of a retention policy: the tags its filters select, and what happens to those it decides.
///
/// A delete rule is a `purge` of its own (`filters`, `ago`, `keep`, `untagged`, `untagged-only`,
/// `include-locked`), applied only to the tags no earlier rule decided. A keep rule keeps the tags it
/// selects, which shields them from every later rule.
public struct RetentionRule: Sendable, Equatable {
    /// The name every verdict this rule decides carries; nil for the one rule `purge`'s flags make,
    /// whose verdicts read as they always have.
    public var name: String?
    public var action: Action
    /// What the rule selects and, for a delete rule, how it deletes. Its `protect` is always empty:
    /// protection belongs to the whole policy, not to one rule.
    public var policy: PurgePolicy

    public init(name: String?, action: Action = .delete, policy: PurgePolicy) {
        self.name = name
        self.action = action
        var policy = policy
        policy.protect = []
        self.policy = policy
    }

    /// A keep rule: the tags its filters select stay.
    public static func keep(_ name: String, filters: [PurgeFilter]) -> RetentionRule {
        RetentionRule(name: name, action: .keep, policy: PurgePolicy(filters: filters, ago: nil))
    }

    /// Whether the rule decides tags at all: an `untagged-only` rule skips the tag phase, so tags
    /// fall through it to the next rule.
    var decidesTags: Bool { action == .keep || !policy.untaggedOnly }

    /// Whether the rule may delete manifests that are (or are left) without tags.
    var deletesUntagged: Bool { action == .delete && (policy.untagged || policy.untaggedOnly) }

    /// Whether the rule's filters reach a repository (an `untagged-only` rule without filters reaches all).
    func selects(repository: String) -> Bool { policy.selects(repository: repository) }
}
