import Foundation
import RegistryClient

/// The plan for one repository: a verdict for every tag and every manifest in view.
public struct RepositoryPlan: Sendable {
    public var name: String
    /// Whether any filter selects this repository.
    public var selected: Bool
    /// Tags newest first, ties by name ascending (unknown times last).
    public var tags: [TagVerdict]
    /// Manifests by digest ascending.
    public var manifests: [ManifestVerdict]
    /// Referrer tags (`sha256-<hex>[.sig]`) that go because their manifest goes.
    public var referrerTagsDeleted: [String]
    /// Whether already-untagged manifests were in view (a vendor API listed them).
    public var untaggedVisible = false

    public var tagsToDelete: [TagVerdict] { tags.filter { $0.action == .delete } }
    public var manifestsToDelete: [ManifestVerdict] { manifests.filter { $0.action == .delete } }
}

/// What a purge would do: one verdict and reason for every tag and manifest in view.
public struct PurgePlan: Sendable {
    public var registry: String
    /// The rules the plan was made from (the flags make one unnamed rule).
    public var retention: RetentionPolicy
    public var now: Date
    /// The `--ago` cutoff of a one-rule plan; nil when age is not consulted or when a policy file's
    /// rules each have their own (`ruleCutoffs`).
    public var cutoff: Date?
    /// Every repository in the inventory, by name.
    public var repositories: [RepositoryPlan]
    /// Bytes of blobs and manifests used only by manifests being deleted (freed after garbage collection).
    public var bytesFreed: Int64

    public var tagCount: Int { repositories.reduce(0) { $0 + $1.tagsToDelete.count } }
    public var manifestCount: Int { repositories.reduce(0) { $0 + $1.manifestsToDelete.count } }
    /// Repositories where anything is deleted.
    public var affectedRepositories: [RepositoryPlan] {
        repositories.filter { !$0.tagsToDelete.isEmpty || !$0.manifestsToDelete.isEmpty }
    }
    public var isEmpty: Bool { tagCount == 0 && manifestCount == 0 }

    /// The flags this plan was made from. A one-rule policy (the flags', the browser composer's)
    /// gives back exactly what it was made from. A policy file of several rules has no such form:
    /// this is then only a summary (every rule's filters, `untagged` when any rule has it, no age),
    /// and `retention` is what the plan was made from.
    public var policy: PurgePolicy {
        if let single = retention.singlePolicy { return single }
        let deleting = retention.rules.filter { $0.action == .delete }
        return PurgePolicy(
            filters: retention.filters, ago: nil, untagged: deleting.contains { $0.policy.untagged },
            untaggedOnly: !deleting.isEmpty && deleting.allSatisfy { $0.policy.untaggedOnly },
            includeLocked: deleting.contains { $0.policy.includeLocked }, protect: retention.protect)
    }

    /// Each rule's cutoff, in rule order (nil where the rule does not consult age).
    public func ruleCutoffs() -> [Date?] { retention.rules.map { $0.policy.cutoff(now: now) } }

    public subscript(repository: String) -> RepositoryPlan? {
        repositories.first { $0.name == repository }
    }
}

/// A tag or manifest the user marked in the browser, to add to or take out of the plan.
public struct HandMark: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case include
        case exclude
    }

    public var repository: String
    public var tag: String
    public var kind: Kind

    public init(repository: String, tag: String, kind: Kind) {
        self.repository = repository
        self.tag = tag
        self.kind = kind
    }
}
