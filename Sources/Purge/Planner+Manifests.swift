import RegistryClient

/// What the planner reads of a manifest, small enough to copy. A `ManifestRecord` carries its blobs,
/// labels and annotations: every dictionary lookup of one retained and released them all,
/// which with a dozen lookups per manifest was much of a re-plan.
struct ManifestNode {
    var kind: ManifestKind
    var children: [Digest]
    var referrers: [Digest]
    var subject: Digest?
    var lock: LockState
    var time: TagTime

    /// Every manifest of the repository as a node; one pass over the records per plan.
    static func graph(of repository: RepositoryInventory) -> [Digest: ManifestNode] {
        var graph: [Digest: ManifestNode] = [:]
        graph.reserveCapacity(repository.manifests.count)
        for (digest, record) in repository.manifests {
            graph[digest] = ManifestNode(
                kind: record.kind, children: record.children, referrers: record.referrers, subject: record.subject,
                lock: record.lock, time: record.time)
        }
        return graph
    }
}

/// What the manifest phase decided: a reason for every manifest, and the rule behind it where one is.
struct ManifestDecisions {
    var reasons: [Digest: ManifestReason] = [:]
    /// Rule positions in the policy.
    var rules: [Digest: Int] = [:]
}

extension Planner {
    /// Decides every manifest: what stays tagged, what a kept manifest holds on to (children,
    /// referrers), and what is left with nothing pointing to it.
    ///
    /// A manifest whose tags all go is deleted only when every rule that removed one of them has
    /// `untagged`; a manifest that had no tags follows the first rule reaching its repository that
    /// deletes untagged manifests. With one rule this is the flags' `--untagged` (all or nothing).
    static func manifestPhase(
        repository: RepositoryInventory, graph manifests: [Digest: ManifestNode], retention: RetentionPolicy,
        scopes: [RuleScope], tagVerdicts: [TagVerdict], decidedBy: [Int?]
    ) -> ManifestDecisions {
        var decisions = ManifestDecisions()
        let selected = !scopes.isEmpty
        var keptTags: [Digest: [String]] = [:]
        // The rules that removed a manifest's tags, in rule order; tags removed by hand have none.
        var deleters: [Digest: [Int]] = [:]
        var deletedByHand = Set<Digest>()
        for (position, verdict) in tagVerdicts.enumerated() {
            if verdict.action == .keep {
                keptTags[verdict.digest, default: []].append(verdict.tag)
            } else if let rule = decidedBy[position] {
                if !(deleters[verdict.digest]?.contains(rule) ?? false) {
                    deleters[verdict.digest, default: []].append(rule)
                }
            } else {
                deletedByHand.insert(verdict.digest)
            }
        }

        // Everything a kept root holds: children at any depth, and referrers (and theirs).
        var kept: [Digest: ManifestReason] = [:]
        var queue: [Digest] = []
        for (digest, tags) in keptTags {
            kept[digest] = .stillTagged(tags: tags.sorted())
            queue.append(digest)
        }
        let untaggedScope = scopes.first { $0.rule.deletesUntagged }
        let taggedDigests = Set(repository.tags.values)
        // The rule each manifest that may go would go by, before children and referrers inherit it.
        var owners: [Digest: Int] = [:]
        for digest in manifests.keys where kept[digest] == nil {
            let hadTags = taggedDigests.contains(digest)
            var blocker: Int?
            var allowed: Bool
            if hadTags {
                let rules = (deleters[digest] ?? []).sorted()
                blocker = rules.first { !retention.rules[$0].deletesUntagged }
                allowed = blocker == nil && (!deletedByHand.contains(digest) || untaggedScope != nil)
                owners[digest] = rules.first ?? untaggedScope?.index
            } else {
                allowed = untaggedScope != nil
                owners[digest] = untaggedScope?.index
            }
            if !allowed {
                // Nothing deletes it by digest: it stays, says why, and holds what it uses.
                kept[digest] = selected && hadTags ? .untaggedNotRequested : .notMatched
                if let blocker { decisions.rules[digest] = blocker }
                queue.append(digest)
            } else if manifests[digest]?.lock.isLocked == true,
                !(owners[digest].map { retention.rules[$0].policy.includeLocked } ?? false)
            {
                // A locked manifest stays (and holds its children) unless its rule includes locked ones.
                kept[digest] = .locked
                decisions.rules[digest] = owners[digest]
                queue.append(digest)
            }
        }
        // Referrers whose subject is not in view stay: nothing says they are stale — unless an
        // earlier run planned them and their subject is gone (`LeftoverCheck.dangling`), and a rule
        // reaching the repository deletes untagged manifests.
        let dangling = untaggedScope != nil ? repository.leftovers.dangling : []
        for (digest, record) in manifests where !dangling.contains(digest) {
            if let subject = record.subject, manifests[subject] == nil, kept[digest] == nil {
                kept[digest] = .subjectNotInView(subject: subject)
                queue.append(digest)
            }
        }
        holdWhatTheyUse(queue, reasons: &kept, graph: manifests)
        // Tag-schema indexes (`sha256-<hex>` tags) follow their subject.
        for (tag, digest) in repository.referrerTags where kept[digest] == nil && !dangling.contains(digest) {
            if let subject = RepositoryInventory.referrerSubject(ofTag: tag),
                kept[subject] != nil || manifests[subject] == nil
            {
                kept[digest] =
                    manifests[subject] == nil ? .subjectNotInView(subject: subject) : .referrerOfKept(subject: subject)
            }
        }
        var reasons = kept
        var candidates = manifests.keys.filter { reasons[$0] == nil }
        spareUntaggedRoots(
            &reasons, rules: &decisions.rules, candidates: candidates, repository: repository, graph: manifests,
            scopes: scopes, owners: owners, tagged: taggedDigests)
        candidates = candidates.filter { reasons[$0] == nil }

        // Whatever is left is deleted, with the reason that ties it to the purge.
        let candidateSet = Set(candidates)
        // Lookups built once: a per-candidate scan would make re-planning quadratic.
        var referrerTagOf: [Digest: String] = [:]
        for (tag, digest) in repository.referrerTags { referrerTagOf[digest] = tag }
        // A child's index is the lowest-digest deleted one naming it (any rule would do; this one
        // is the same in every plan, without sorting every candidate).
        var deletedParent: [Digest: Digest] = [:]
        for digest in candidates {
            for child in manifests[digest]?.children ?? [] {
                if let current = deletedParent[child], current < digest { continue }
                deletedParent[child] = digest
            }
        }
        // What each deleted manifest goes with: its subject or its index, when that goes too.
        var followed: [Digest: Digest] = [:]
        for digest in candidates {
            guard let record = manifests[digest] else { continue }
            if let subject = record.subject {
                reasons[digest] = .subjectDeleted(subject: subject)
                followed[digest] = subject
            } else if let tag = referrerTagOf[digest], let subject = RepositoryInventory.referrerSubject(ofTag: tag) {
                reasons[digest] = .subjectDeleted(subject: subject)
                followed[digest] = subject
            } else if let parent = deletedParent[digest], candidateSet.contains(parent) {
                reasons[digest] = .childOfDeletedIndex(index: parent)
                followed[digest] = parent
            } else {
                reasons[digest] = .untagged
            }
        }
        // A referrer or child is deleted by the rule that deletes what it follows. The walk is
        // bounded: graphs are shallow, and a malformed one must not loop.
        for digest in candidates {
            var root = digest
            for _ in 0..<16 {
                guard let next = followed[root], candidateSet.contains(next) else { break }
                root = next
            }
            if let owner = owners[root] { decisions.rules[digest] = owner }
        }
        decisions.reasons = reasons
        return decisions
    }

    /// Manifests untagged before the purge that hang off nothing (no index, no subject) are what a
    /// vendor API lists as untagged images: on such a registry the rule's cutoff applies to them
    /// (an untagged manifest pushed an hour ago is a build in progress, not garbage), and
    /// `untagged-only`'s `keep N` spares the N newest of them. What they hold (children, referrers)
    /// stays with them. Manifests an earlier run left are finished whatever their age.
    static func spareUntaggedRoots(
        _ reasons: inout [Digest: ManifestReason], rules: inout [Digest: Int], candidates: [Digest],
        repository: RepositoryInventory, graph manifests: [Digest: ManifestNode], scopes: [RuleScope],
        owners: [Digest: Int], tagged: Set<Digest>
    ) {
        var hasParent = Set<Digest>()
        for record in manifests.values { hasParent.formUnion(record.children) }
        let referrerTagged = Set(repository.referrerTags.values)
        let roots = candidates.filter { digest in
            !tagged.contains(digest) && !hasParent.contains(digest) && manifests[digest]?.subject == nil
                && !referrerTagged.contains(digest)
        }
        guard !roots.isEmpty else { return }
        var spared: [Digest] = []
        var eligible = roots
        if repository.untaggedVisible {
            let cutoffs = Dictionary(scopes.map { ($0.index, $0.cutoff) }) { first, _ in first }
            eligible = []
            for digest in roots {
                guard let owner = owners[digest], let cutoff = cutoffs[owner] ?? nil,
                    !repository.leftovers.present.contains(digest)
                else {
                    eligible.append(digest)
                    continue
                }
                if let date = manifests[digest]?.time.date, date < cutoff {
                    eligible.append(digest)
                } else {
                    reasons[digest] = .newerThanCutoff
                    rules[digest] = owner
                    spared.append(digest)
                }
            }
        }
        for scope in scopes where scope.rule.deletesUntagged && scope.rule.policy.untaggedOnly {
            guard scope.rule.policy.keep > 0 else { continue }
            let newest = eligible.filter { owners[$0] == scope.index }
                .map { (name: $0.description, date: manifests[$0]?.time.date, digest: $0) }
                .sorted { newestFirst(($0.name, $0.date), ($1.name, $1.date)) }.prefix(scope.rule.policy.keep)
            for (rank, entry) in newest.enumerated() {
                reasons[entry.digest] = .keptNewest(rank: rank + 1, of: newest.count)
                rules[entry.digest] = scope.index
                spared.append(entry.digest)
            }
        }
        // What the spared hold stays with them: children at any depth, and referrers.
        holdWhatTheyUse(spared, reasons: &reasons, graph: manifests)
        // Tag-schema referrer indexes of what was spared.
        for (tag, digest) in repository.referrerTags where reasons[digest] == nil {
            if let subject = RepositoryInventory.referrerSubject(ofTag: tag), spared.contains(subject) {
                reasons[digest] = .referrerOfKept(subject: subject)
            }
        }
    }

    /// Marks what the kept manifests `from` hold as kept too: their children at any depth (child of
    /// a kept index) and their referrers (referrer of a kept manifest), and what those hold in turn.
    /// A manifest that already has a reason keeps it.
    static func holdWhatTheyUse(
        _ from: [Digest], reasons: inout [Digest: ManifestReason], graph: [Digest: ManifestNode]
    ) {
        var queue = from
        while let digest = queue.popLast() {
            guard let node = graph[digest] else { continue }
            for child in node.children where reasons[child] == nil {
                reasons[child] = .childOfKeptIndex(index: digest)
                queue.append(child)
            }
            for referrer in node.referrers where reasons[referrer] == nil {
                reasons[referrer] = .referrerOfKept(subject: digest)
                queue.append(referrer)
            }
        }
    }
}
