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
        let graph = ManifestNode.graph(of: repository)
        let ordered = newestFirstTags(repository, graph: graph)

        // Tag phase: the first rule whose filters select a tag decides it. Verdicts are kept by
        // position in `ordered`, not by tag name: hashing each name several times per plan showed.
        var reasons = [TagReason](repeating: .notMatched, count: ordered.count)
        var decidedBy = [Int?](repeating: nil, count: ordered.count)
        var eligible: [Int: [Int]] = [:]
        let locks = !repository.tagLocks.isEmpty
        for (position, entry) in ordered.enumerated() where !tagScopes.isEmpty {
            if let rule = protects.first(where: { $0.table.search(entry.tag) }) {
                reasons[position] = .protected(filter: rule.filter.text)
            } else if let (scope, filter) = firstMatch(entry.tag, in: tagScopes) {
                decidedBy[position] = scope.index
                if scope.rule.action == .keep {
                    reasons[position] = .keptByRule(rule: scope.rule.name ?? "keep")
                } else if scope.cutoff != nil, entry.time.date == nil {
                    reasons[position] = .ageUnknown
                } else if let cutoff = scope.cutoff, let date = entry.time.date, date >= cutoff {
                    reasons[position] = .newerThanCutoff
                } else if locks, repository.lock(ofTag: entry.tag).isLocked, !scope.rule.policy.includeLocked {
                    // As `acr purge`: a locked tag is reported and left, and not counted by `keep`.
                    reasons[position] = .locked
                } else {
                    reasons[position] = .matched(filter: filter.text)
                    eligible[scope.index, default: []].append(position)
                }
            }
        }
        // `keep N`: per repository and per rule, the N newest tags that rule would delete stay;
        // the budget is shared by all of the rule's filters.
        for scope in tagScopes where scope.rule.policy.keep > 0 {
            let kept = (eligible[scope.index] ?? []).prefix(scope.rule.policy.keep)
            for (rank, position) in kept.enumerated() {
                reasons[position] = .keptNewest(rank: rank + 1, of: kept.count)
            }
        }
        // Hand marks last: exclusion always wins; inclusion never beats protect. A tag changed by
        // hand was decided by no rule.
        if !marks.isEmpty {
            var positions: [String: Int] = [:]
            for (position, entry) in ordered.enumerated() { positions[entry.tag] = position }
            for mark in marks {
                guard let position = positions[mark.tag] else { continue }
                let current = reasons[position]
                switch mark.kind {
                case .exclude:
                    if current.action == .delete {
                        reasons[position] = .excludedByHand
                        decidedBy[position] = nil
                    }
                case .include:
                    if case .protected = current { continue }
                    // A lock is the registry's own refusal: marking by hand cannot lift it.
                    if case .locked = current { continue }
                    if current.action == .keep {
                        reasons[position] = .markedByHand
                        decidedBy[position] = nil
                    }
                }
            }
        }
        var tagVerdicts: [TagVerdict] = []
        tagVerdicts.reserveCapacity(ordered.count)
        for (position, entry) in ordered.enumerated() {
            tagVerdicts.append(
                TagVerdict(
                    tag: entry.tag, digest: entry.digest, time: entry.time, reason: reasons[position],
                    rule: decidedBy[position].flatMap { retention.rules[$0].name }))
        }

        // Manifest phase.
        let decisions = manifestPhase(
            repository: repository, graph: graph, retention: retention, scopes: scopes, tagVerdicts: tagVerdicts,
            decidedBy: decidedBy)
        var tagsByDigest: [Digest: [String]] = [:]
        for (tag, digest) in repository.tags { tagsByDigest[digest, default: []].append(tag) }
        var manifestVerdicts: [ManifestVerdict] = []
        manifestVerdicts.reserveCapacity(repository.manifests.count)
        let referrerTagged = Set(repository.referrerTags.values)
        for digest in sortedDigests(repository.manifests.keys) {
            guard let record = graph[digest] else { continue }
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

    /// The repository's tags newest first (ties by name, unknown times last), as `newestFirst`
    /// orders them. Indices are sorted against plain arrays of times and names: moving (tag,
    /// digest, time) tuples, or reading them in the comparator, retained and released strings on
    /// every step, which was a sixth of a re-plan at 10,000 tags.
    static func newestFirstTags(
        _ repository: RepositoryInventory, graph: [Digest: ManifestNode]
    ) -> [(tag: String, digest: Digest, time: TagTime)] {
        // `RepositoryInventory.time(ofTag:)`, read from the graph rather than the records.
        let entries = repository.tags.map { tag, digest in
            (tag: tag, digest: digest, time: repository.tagTimes[tag] ?? graph[digest]?.time ?? .unknown)
        }
        // Unknown times sort after every known one.
        let times = entries.map { $0.time.date?.timeIntervalSinceReferenceDate ?? -Double.infinity }
        let names = entries.map(\.tag)
        let order = entries.indices.sorted { a, b in
            let x = times[a]
            let y = times[b]
            return x != y ? x > y : names[a] < names[b]
        }
        return order.map { entries[$0] }
    }

    /// Digests in ascending order (`Digest.<`), sorted by index against their 64-bit order keys;
    /// only equal keys (practically never) compare the digests themselves.
    static func sortedDigests<Digests: Collection<Digest>>(_ digests: Digests) -> [Digest] {
        let all = Array(digests)
        guard let algorithm = all.first?.algorithm, all.allSatisfy({ $0.algorithm == algorithm }) else {
            return all.sorted()
        }
        let keys = all.map(\.orderKey)
        return all.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : all[a] < all[b] }.map { all[$0] }
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
    /// Two passes: the blobs of what goes, then the kept manifests strike off what they use, and
    /// stop once nothing is left to strike. A plan that deletes nothing no longer builds a set of
    /// every kept blob; one that deletes most of the inventory costs about what it did (a tenth of a
    /// re-plan at 10,000 tags, most of it hashing digests).
    static func bytesFreed(inventory: Inventory, repositories: [RepositoryPlan]) -> Int64 {
        var deletedBlobs: [Digest: Int64] = [:]
        var bodies: Int64 = 0
        var planIndex: [String: Int] = [:]
        for (index, plan) in repositories.enumerated() where planIndex[plan.name] == nil {
            planIndex[plan.name] = index
        }
        var deletedIn: [String: Set<Digest>] = [:]
        for repository in inventory.repositories {
            guard let index = planIndex[repository.name] else { continue }
            var deleted = Set<Digest>()
            for verdict in repositories[index].manifests where verdict.action == .delete {
                deleted.insert(verdict.digest)
                guard let record = repository.manifests[verdict.digest] else { continue }
                bodies += Int64(record.bodySize)
                for blob in record.blobs { deletedBlobs[blob.digest] = blob.size }
            }
            if !deleted.isEmpty { deletedIn[repository.name] = deleted }
        }
        guard !deletedBlobs.isEmpty else { return bodies }
        for repository in inventory.repositories {
            let deleted = deletedIn[repository.name] ?? []
            for (digest, record) in repository.manifests where !record.blobs.isEmpty && !deleted.contains(digest) {
                for blob in record.blobs { deletedBlobs[blob.digest] = nil }
                if deletedBlobs.isEmpty { return bodies }
            }
        }
        return bodies + deletedBlobs.values.reduce(0, +)
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
