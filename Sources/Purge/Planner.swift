import Foundation
import RegistryClient

/// Turns an inventory and a policy into a plan. Pure: no I/O, so the browser can re-plan on every
/// keystroke and tests need no registry.
public enum Planner {
    /// Plans `purge`'s flags: one unnamed delete rule, so the verdicts read as they always have.
    public static func plan(
        inventory: Inventory, policy: PurgePolicy, now: Date, marks: [HandMark] = [], memo: PlanMemo? = nil
    ) -> PurgePlan {
        plan(inventory: inventory, retention: RetentionPolicy(policy), now: now, marks: marks, memo: memo)
    }

    /// Plans a policy of several rules (a policy file): rules are tried in order, the first whose
    /// filters select a tag decides it, `protect` wins over every rule, and a tag no rule selects
    /// stays. One plan for the whole policy, every verdict naming its rule.
    /// `memo` carries regex verdicts from one plan to the next (the browser's re-plans); the plan is
    /// the same with or without it.
    public static func plan(
        inventory: Inventory, retention: RetentionPolicy, now: Date, marks: [HandMark] = [], memo: PlanMemo? = nil
    ) -> PurgePlan {
        let cutoffs = retention.rules.map { $0.policy.cutoff(now: now) }
        let matchers = TagMatchers(retention: retention, memo: memo)
        defer { matchers.finish() }
        var repositories: [RepositoryPlan] = []
        for repository in inventory.repositories.sorted(by: { $0.name < $1.name }) {
            let repoMarks = marks.filter { $0.repository == repository.name }
            repositories.append(
                plan(
                    repository: repository, retention: retention, cutoffs: cutoffs, marks: repoMarks,
                    matchers: matchers))
        }
        let bytes = bytesFreed(inventory: inventory, repositories: repositories)
        return PurgePlan(
            registry: inventory.registry, retention: retention, now: now,
            cutoff: retention.singlePolicy?.cutoff(now: now), repositories: repositories, bytesFreed: bytes)
    }

    /// Newest first, ties by name ascending, unknown times last.
    public static func newestFirst(_ a: (name: String, date: Date?), _ b: (name: String, date: Date?)) -> Bool {
        switch (a.date, b.date) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.name < b.name
        }
    }

    static func plan(
        repository: RepositoryInventory, retention: RetentionPolicy, cutoffs: [Date?], marks: [HandMark],
        matchers: TagMatchers
    ) -> RepositoryPlan {
        // The repository part of each rule is decided once per repository, not once per tag.
        let scopes = retention.rules.indices.compactMap { index -> RuleScope? in
            let rule = retention.rules[index]
            guard rule.selects(repository: repository.name) else { return nil }
            let filters = rule.policy.filters.filter { $0.matches(repository: repository.name) }
            return RuleScope(
                index: index, rule: rule, filters: filters, tables: filters.map { matchers.table($0.tag) },
                cutoff: cutoffs[index])
        }
        let selected = !scopes.isEmpty
        let tagScopes = scopes.filter(\.rule.decidesTags)
        let protects = retention.protect.filter { $0.matches(repository: repository.name) }
            .map { (filter: $0, table: matchers.table($0.tag)) }
        let ordered = repository.tags.map { (tag: $0.key, digest: $0.value, time: repository.time(ofTag: $0.key)) }
            .sorted { newestFirst(($0.tag, $0.time.date), ($1.tag, $1.time.date)) }

        // Tag phase: the first rule whose filters select a tag decides it.
        var reasons: [String: TagReason] = [:]
        var decidedBy: [String: Int] = [:]
        var eligible: [Int: [String]] = [:]
        for entry in ordered {
            if tagScopes.isEmpty {
                reasons[entry.tag] = .notMatched
            } else if let rule = protects.first(where: { $0.table.search(entry.tag) }) {
                reasons[entry.tag] = .protected(filter: rule.filter.text)
            } else if let (scope, filter) = firstMatch(entry.tag, in: tagScopes) {
                decidedBy[entry.tag] = scope.index
                if scope.rule.action == .keep {
                    reasons[entry.tag] = .keptByRule(rule: scope.rule.name ?? "keep")
                } else if scope.cutoff != nil, entry.time.date == nil {
                    reasons[entry.tag] = .ageUnknown
                } else if let cutoff = scope.cutoff, let date = entry.time.date, date >= cutoff {
                    reasons[entry.tag] = .newerThanCutoff
                } else if repository.lock(ofTag: entry.tag).isLocked, !scope.rule.policy.includeLocked {
                    // As `acr purge`: a locked tag is reported and left, and not counted by `keep`.
                    reasons[entry.tag] = .locked
                } else {
                    reasons[entry.tag] = .matched(filter: filter.text)
                    eligible[scope.index, default: []].append(entry.tag)
                }
            } else {
                reasons[entry.tag] = .notMatched
            }
        }
        // `keep N`: per repository and per rule, the N newest tags that rule would delete stay;
        // the budget is shared by all of the rule's filters.
        for scope in tagScopes where scope.rule.policy.keep > 0 {
            let kept = (eligible[scope.index] ?? []).prefix(scope.rule.policy.keep)
            for (rank, tag) in kept.enumerated() { reasons[tag] = .keptNewest(rank: rank + 1, of: kept.count) }
        }
        // Hand marks last: exclusion always wins; inclusion never beats protect. A tag changed by
        // hand was decided by no rule.
        for mark in marks {
            guard let current = reasons[mark.tag] else { continue }
            switch mark.kind {
            case .exclude:
                if current.action == .delete {
                    reasons[mark.tag] = .excludedByHand
                    decidedBy[mark.tag] = nil
                }
            case .include:
                if case .protected = current { continue }
                // A lock is the registry's own refusal: marking by hand cannot lift it.
                if case .locked = current { continue }
                if current.action == .keep {
                    reasons[mark.tag] = .markedByHand
                    decidedBy[mark.tag] = nil
                }
            }
        }
        let tagVerdicts = ordered.map { entry in
            TagVerdict(
                tag: entry.tag, digest: entry.digest, time: entry.time, reason: reasons[entry.tag] ?? .notMatched,
                rule: decidedBy[entry.tag].flatMap { retention.rules[$0].name })
        }

        // Manifest phase.
        let decisions = manifestPhase(
            repository: repository, retention: retention, scopes: scopes, tagVerdicts: tagVerdicts,
            decidedBy: decidedBy)
        let tagsByDigest = Dictionary(grouping: repository.tags.keys) { repository.tags[$0] }
        var manifestVerdicts: [ManifestVerdict] = []
        // Sort the digests, not (digest, record) pairs: records are large and copying them in a
        // sort showed in the profile.
        manifestVerdicts.reserveCapacity(repository.manifests.count)
        let referrerTagged = Set(repository.referrerTags.values)
        for digest in repository.manifests.keys.sorted() {
            guard let record = repository.manifests[digest] else { continue }
            manifestVerdicts.append(
                // A tag-schema referrers index goes with the referrers, before any index: deleted in
                // the index phase, alongside its subject, a failed DELETE of it would outlive the subject.
                ManifestVerdict(
                    digest: digest, kind: record.kind,
                    isReferrer: record.subject != nil || referrerTagged.contains(digest),
                    tags: (tagsByDigest[digest] ?? []).sorted(), reason: decisions.reasons[digest] ?? .notMatched,
                    rule: decisions.rules[digest].flatMap { retention.rules[$0].name }))
        }
        let deletedManifests = Set(manifestVerdicts.filter { $0.action == .delete }.map(\.digest))
        let referrerTags = repository.referrerTags.filter { deletedManifests.contains($0.value) }.map(\.key).sorted()
        var plan = RepositoryPlan(
            name: repository.name, selected: selected, tags: tagVerdicts, manifests: manifestVerdicts,
            referrerTagsDeleted: referrerTags)
        plan.untaggedVisible = repository.untaggedVisible
        return plan
    }

    /// The first rule (in order) with a filter selecting `tag`, and that filter.
    private static func firstMatch(_ tag: String, in scopes: [RuleScope]) -> (RuleScope, PurgeFilter)? {
        for scope in scopes {
            for (filter, table) in zip(scope.filters, scope.tables) where table.search(tag) { return (scope, filter) }
        }
        return nil
    }

    /// Bytes used only by deleted manifests: their own bodies plus blobs no kept manifest in any
    /// loaded repository uses (registries share blobs across repositories).
    static func bytesFreed(inventory: Inventory, repositories: [RepositoryPlan]) -> Int64 {
        var keptBlobs = Set<Digest>()
        var deletedBlobs: [Digest: Int64] = [:]
        var bodies: Int64 = 0
        for repository in inventory.repositories {
            let deleted = Set(
                repositories.first { $0.name == repository.name }?.manifestsToDelete.map(\.digest) ?? [])
            for (digest, record) in repository.manifests {
                if deleted.contains(digest) {
                    bodies += Int64(record.body.count)
                    for blob in record.blobs { deletedBlobs[blob.digest] = blob.size }
                } else {
                    keptBlobs.formUnion(record.blobs.map(\.digest))
                }
            }
        }
        return bodies + deletedBlobs.filter { !keptBlobs.contains($0.key) }.values.reduce(0, +)
    }
}

/// One rule as it applies to one repository: the rule's filters whose repository part matches.
struct RuleScope {
    /// The rule's position in the policy.
    var index: Int
    var rule: RetentionRule
    var filters: [PurgeFilter]
    /// Each filter's tag-pattern verdicts, in the order of `filters`.
    var tables: [MatchTable]
    var cutoff: Date?
}
