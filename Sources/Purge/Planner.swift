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
        var counted: [(index: RepositoryIndex, plan: RepositoryPlan)] = []
        var names = Set<String>()
        for repository in inventory.repositories.sorted(by: { $0.name < $1.name }) {
            let repoMarks = marks.filter { $0.repository == repository.name }
            let plan = plan(
                repository: repository, retention: retention, cutoffs: cutoffs, marks: repoMarks, matchers: matchers)
            repositories.append(plan)
            // A name listed twice is planned twice, its space counted once.
            if names.insert(repository.name).inserted { counted.append((repository.index, plan)) }
        }
        let bytes = bytesFreed(counted)
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
        let index = repository.index
        let tagCount = index.tagNames.count
        let tagScopes = scopes.filter(\.rule.decidesTags)
        // The first rule and filter selecting each tag, by position: filters in rule order, each
        // claiming the tags no earlier one did (`RepositoryIndex.matches` has their verdicts).
        // One tight pass per filter over an array of verdicts; per tag, walking the rules and
        // copying each one's scope was a sixth of a re-plan.
        var firstHit = [Int32](repeating: -1, count: tagScopes.isEmpty ? 0 : tagCount)
        var hits: [FilterHit] = []
        for scope in tagScopes {
            for (filter, table) in zip(scope.filters, scope.tables) {
                let verdicts = index.matches(table)
                let hit = Int32(hits.count)
                hits.append(
                    FilterHit(
                        rule: scope.index, keeps: scope.rule.action == .keep, ruleName: scope.rule.name,
                        cutoff: scope.cutoff, includeLocked: scope.rule.policy.includeLocked, filter: filter.text))
                for position in 0..<firstHit.count where firstHit[position] < 0 && verdicts[position] {
                    firstHit[position] = hit
                }
            }
        }
        let protects = retention.protect.filter { $0.matches(repository: repository.name) }
            .map { (filter: $0, matches: index.matches(matchers.table($0.tag))) }

        // Tag phase: the first rule whose filters select a tag decides it. Verdicts are kept by
        // position in the newest-first order, not by tag name: hashing each name several times
        // per plan showed.
        var reasons = [TagReason](repeating: .notMatched, count: tagCount)
        var decidedBy = [Int?](repeating: nil, count: tagCount)
        var eligible: [Int: [Int]] = [:]
        for position in 0..<tagCount where !tagScopes.isEmpty {
            if let rule = protects.first(where: { $0.matches[position] }) {
                reasons[position] = .protected(filter: rule.filter.text)
            } else if firstHit[position] >= 0 {
                let hit = Int(firstHit[position])
                let rule = hits[hit].rule
                decidedBy[position] = rule
                let date = index.tagTimes[position].date
                if hits[hit].keeps {
                    reasons[position] = .keptByRule(rule: hits[hit].ruleName ?? "keep")
                } else if hits[hit].cutoff != nil, date == nil {
                    reasons[position] = .ageUnknown
                } else if let cutoff = hits[hit].cutoff, let date, date >= cutoff {
                    reasons[position] = .newerThanCutoff
                } else if index.tagLocked[position], !hits[hit].includeLocked {
                    // As `acr purge`: a locked tag is reported and left, and not counted by `keep`.
                    reasons[position] = .locked
                } else {
                    reasons[position] = .matched(filter: hits[hit].filter)
                    eligible[rule, default: []].append(position)
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
        var positions: [String: Int] = [:]
        if !marks.isEmpty {
            for (position, tag) in index.tagNames.enumerated() { positions[tag] = position }
        }
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
        var tagVerdicts: [TagVerdict] = []
        tagVerdicts.reserveCapacity(tagCount)
        for position in 0..<tagCount {
            tagVerdicts.append(
                TagVerdict(
                    tag: index.tagNames[position], digest: index.digest(ofTag: position),
                    time: index.tagTimes[position],
                    reason: reasons[position], rule: decidedBy[position].flatMap { retention.rules[$0].name }))
        }

        // Manifest phase, by manifest number (digest order).
        let decisions = manifestPhase(
            repository: repository, index: index, retention: retention, scopes: scopes,
            tagKept: reasons.map { $0.action == .keep }, decidedBy: decidedBy)
        var manifestVerdicts: [ManifestVerdict] = []
        manifestVerdicts.reserveCapacity(index.manifestCount)
        for number in 0..<index.manifestCount {
            manifestVerdicts.append(
                // A tag-schema referrers index goes with the referrers, before any index: deleted in
                // the index phase, alongside its subject, a failed DELETE of it would outlive the subject.
                ManifestVerdict(
                    digest: index.digests[number], kind: index.kinds[number],
                    isReferrer: index.hasSubject[number] || index.referrerTagged[number],
                    tags: index.tagsOf[number], reason: decisions.reasons[number] ?? .notMatched,
                    rule: decisions.rules[number].flatMap { retention.rules[$0].name }))
        }
        let referrerTags = index.referrerTags.compactMap { entry -> String? in
            guard let number = entry.number, manifestVerdicts[number].action == .delete else { return nil }
            return entry.tag
        }
        var plan = RepositoryPlan(
            name: repository.name, selected: selected, tags: tagVerdicts, manifests: manifestVerdicts,
            referrerTagsDeleted: referrerTags)
        plan.untaggedVisible = repository.untaggedVisible
        return plan
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

    /// Bytes used only by deleted manifests: their own bodies plus blobs no kept manifest in any
    /// loaded repository uses (registries share blobs across repositories). `plans` are the
    /// repositories' plans, each with the index it was made from (its manifest verdicts are in
    /// the index's order).
    /// Two passes: the blobs of what goes, then the kept manifests strike off what they use, and
    /// stop once nothing is left to strike. A plan that deletes nothing builds no set of every
    /// kept blob.
    static func bytesFreed(_ plans: [(index: RepositoryIndex, plan: RepositoryPlan)]) -> Int64 {
        var deletedBlobs: [Digest: Int64] = [:]
        var bodies: Int64 = 0
        // Sized once: growing it step by step rehashed every blob several times.
        var going = 0
        for (index, plan) in plans {
            for (number, verdict) in plan.manifests.enumerated() where verdict.action == .delete {
                going += index.blobs[number].count
            }
        }
        deletedBlobs.reserveCapacity(going)
        for (index, plan) in plans {
            for (number, verdict) in plan.manifests.enumerated() where verdict.action == .delete {
                bodies += Int64(index.bodySizes[number])
                for blob in index.blobs[number] { deletedBlobs[blob.digest] = blob.size }
            }
        }
        guard !deletedBlobs.isEmpty else { return bodies }
        for (index, plan) in plans {
            for (number, verdict) in plan.manifests.enumerated()
            where verdict.action == .keep && !index.blobs[number].isEmpty {
                for blob in index.blobs[number] { deletedBlobs[blob.digest] = nil }
                if deletedBlobs.isEmpty { return bodies }
            }
        }
        return bodies + deletedBlobs.values.reduce(0, +)
    }
}

/// What the tag phase needs of a rule's filter that selected a tag, read field by field.
struct FilterHit {
    /// The rule's position in the policy.
    var rule: Int
    var keeps: Bool
    var ruleName: String?
    var cutoff: Date?
    var includeLocked: Bool
    /// The filter's text, for the verdict.
    var filter: String
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
