import Foundation

/// Several purge rules in one run: tried in order, the first rule whose filters select a tag decides
/// it, and `protect` wins over every rule. What a policy file holds, and what `purge`'s flags make
/// (one unnamed delete rule), so both go through one planner.
public struct RetentionPolicy: Sendable, Equatable {
    /// Tags matching these are never deleted, whatever a rule says.
    public var protect: [PurgeFilter]
    public var rules: [RetentionRule]

    public init(protect: [PurgeFilter] = [], rules: [RetentionRule]) {
        self.protect = protect
        self.rules = rules
    }

    /// The flags' policy as one unnamed delete rule: planning it is exactly planning the flags.
    public init(_ policy: PurgePolicy) {
        self.init(protect: policy.protect, rules: [RetentionRule(name: nil, policy: policy)])
    }

    /// The flags that state this policy, when it is one unnamed delete rule (the `purge` flags' and
    /// the browser composer's form); nil for a policy file, which has no single set of flags.
    public var singlePolicy: PurgePolicy? {
        guard rules.count == 1, let rule = rules.first, rule.name == nil, rule.action == .delete else { return nil }
        var policy = rule.policy
        policy.protect = protect
        return policy
    }

    /// Whether verdicts name their rules: true for a policy file, false for the flags' one rule.
    public var namesRules: Bool { rules.contains { $0.name != nil } }

    /// Whether any rule reaches `repository`; repositories no rule reaches are not loaded or touched.
    public func selects(repository: String) -> Bool {
        rules.contains { $0.selects(repository: repository) }
    }

    /// Every rule's filters, in rule order (to name repositories when the catalog cannot be listed).
    public var filters: [PurgeFilter] { rules.flatMap(\.policy.filters) }

    /// Whether any rule can delete manifests by digest (`untagged` or `untagged-only`).
    public var deletesManifests: Bool { rules.contains { $0.deletesUntagged } }

    /// The protect filter covering a tag, if any.
    public func protection(of tag: String, in repository: String) -> PurgeFilter? {
        protect.first { $0.matches(repository: repository, tag: tag) }
    }
}
