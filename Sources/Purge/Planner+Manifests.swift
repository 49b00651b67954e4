import RegistryClient

/// What the manifest phase decided, by manifest number (`RepositoryIndex`): a reason for every
/// manifest, and the rule behind it where one is.
struct ManifestDecisions {
    var reasons: ManifestReasons
    /// Rule positions in the policy.
    var rules: [Int?]

    init(count: Int) {
        reasons = ManifestReasons(count: count)
        rules = Array(repeating: nil, count: count)
    }
}

/// A reason per manifest number, or none yet, with a flag per number saying which: most of the
/// manifest phase's reads only ask whether a manifest is decided, and reading an optional enum
/// with a payload copies it out (a value-witness call, a retain and a release), which was a fifth
/// of a re-plan.
struct ManifestReasons {
    private var reasons: [ManifestReason?]
    private var decided: [Bool]

    init(count: Int) {
        reasons = Array(repeating: nil, count: count)
        decided = Array(repeating: false, count: count)
    }

    func isDecided(_ number: Int) -> Bool { decided[number] }

    subscript(number: Int) -> ManifestReason? {
        get { reasons[number] }
        set {
            decided[number] = newValue != nil
            reasons[number] = newValue
        }
    }
}

extension Planner {
    /// Decides every manifest: what stays tagged, what a kept manifest holds on to (children,
    /// referrers), and what is left with nothing pointing to it.
    ///
    /// A manifest whose tags all go is deleted only when every rule that removed one of them has
    /// `untagged`; a manifest that had no tags follows the first rule reaching its repository that
    /// deletes untagged manifests. With one rule this is the flags' `--untagged` (all or nothing).
    ///
    /// Manifests are numbers here, and every table an array by number: in ascending number order
    /// (digest order), so that where two kept manifests could each claim a child the claim is the
    /// same in every plan.
    static func manifestPhase(
        repository: RepositoryInventory, index: RepositoryIndex, retention: RetentionPolicy, scopes: [RuleScope],
        tagKept: [Bool], decidedBy: [Int?]
    ) -> ManifestDecisions {
        let count = index.manifestCount
        var decisions = ManifestDecisions(count: count)
        let selected = !scopes.isEmpty
        // How many of each manifest's tags stay; when all do, their list is the index's (no array
        // is built per manifest per plan).
        var keptCount = [Int](repeating: 0, count: count)
        var someKept: [Int: [String]] = [:]
        // The rules that removed a manifest's tags; tags removed by hand have none. Nearly always
        // one rule, so the first is kept by number and only a second or later in a dictionary (an
        // array per manifest was a tenth of a re-plan in allocations).
        var firstDeleter = [Int](repeating: -1, count: count)
        var moreDeleters: [Int: [Int]] = [:]
        var deletedByHand = [Bool](repeating: false, count: count)
        for position in tagKept.indices {
            guard let number = index.manifestNumber(ofTag: position) else { continue }
            if tagKept[position] {
                keptCount[number] += 1
            } else if let rule = decidedBy[position] {
                if firstDeleter[number] < 0 {
                    firstDeleter[number] = rule
                } else if firstDeleter[number] != rule, !(moreDeleters[number]?.contains(rule) ?? false) {
                    moreDeleters[number, default: []].append(rule)
                }
            } else {
                deletedByHand[number] = true
            }
        }
        for position in tagKept.indices where tagKept[position] {
            guard let number = index.manifestNumber(ofTag: position), keptCount[number] < index.tagsOf[number].count
            else {
                continue
            }
            someKept[number, default: []].append(index.tagNames[position])
        }

        // Everything a kept root holds: children at any depth, and referrers (and theirs).
        var kept = ManifestReasons(count: count)
        var queue: [Int] = []
        for number in 0..<count where keptCount[number] > 0 {
            kept[number] = .stillTagged(tags: someKept[number]?.sorted() ?? index.tagsOf[number])
            queue.append(number)
        }
        let untaggedScope = scopes.first { $0.rule.deletesUntagged }
        // The rule each manifest that may go would go by, before children and referrers inherit it.
        var owners = [Int?](repeating: nil, count: count)
        for number in 0..<count where !kept.isDecided(number) {
            let hadTags = index.tagged[number]
            var blocker: Int?
            var allowed: Bool
            if hadTags {
                // The lowest-numbered rule that removed a tag owns it; any of them without
                // `untagged` blocks it.
                let first = firstDeleter[number]
                if first < 0 {
                    owners[number] = untaggedScope?.index
                } else if let more = moreDeleters[number] {
                    let rules = ([first] + more).sorted()
                    blocker = rules.first { !retention.rules[$0].deletesUntagged }
                    owners[number] = rules[0]
                } else {
                    blocker = retention.rules[first].deletesUntagged ? nil : first
                    owners[number] = first
                }
                allowed = blocker == nil && (!deletedByHand[number] || untaggedScope != nil)
            } else {
                allowed = untaggedScope != nil
                owners[number] = untaggedScope?.index
            }
            if !allowed {
                // Nothing deletes it by digest: it stays, says why, and holds what it uses.
                kept[number] = selected && hadTags ? .untaggedNotRequested : .notMatched
                if let blocker { decisions.rules[number] = blocker }
                queue.append(number)
            } else if index.locked[number],
                !(owners[number].map { retention.rules[$0].policy.includeLocked } ?? false)
            {
                // A locked manifest stays (and holds its children) unless its rule includes locked ones.
                kept[number] = .locked
                decisions.rules[number] = owners[number]
                queue.append(number)
            }
        }
        // Referrers whose subject is not in view stay: nothing says they are stale — unless an
        // earlier run planned them and their subject is gone (`LeftoverCheck.dangling`), and a rule
        // reaching the repository deletes untagged manifests.
        let finishDangling = untaggedScope != nil
        for number in 0..<count where !kept.isDecided(number) && !(finishDangling && index.dangling[number]) {
            if let subject = index.subject(of: number), subject.number == nil {
                kept[number] = .subjectNotInView(subject: subject.digest)
                queue.append(number)
            }
        }
        holdWhatTheyUse(queue, reasons: &kept, index: index)
        // Tag-schema indexes (`sha256-<hex>` tags) follow their subject.
        for entry in index.referrerTags {
            guard let number = entry.number, !kept.isDecided(number), !(finishDangling && index.dangling[number]),
                let subject = entry.subject
            else { continue }
            if let subjectNumber = entry.subjectNumber {
                if kept.isDecided(subjectNumber) { kept[number] = .referrerOfKept(subject: subject) }
            } else {
                kept[number] = .subjectNotInView(subject: subject)
            }
        }
        var reasons = kept
        var candidates = (0..<count).filter { !reasons.isDecided($0) }
        spareUntaggedRoots(
            &reasons, rules: &decisions.rules, candidates: candidates, repository: repository, index: index,
            scopes: scopes, owners: owners)
        candidates = candidates.filter { !reasons.isDecided($0) }

        // Whatever is left is deleted, with the reason that ties it to the purge.
        var isCandidate = [Bool](repeating: false, count: count)
        for number in candidates { isCandidate[number] = true }
        // A child's index is the lowest-digest deleted one naming it (any rule would do; this one
        // is the same in every plan). Candidates are in digest order: the first to claim wins.
        var deletedParent = [Int?](repeating: nil, count: count)
        for number in candidates {
            for child in index.children[number] where deletedParent[child] == nil { deletedParent[child] = number }
        }
        // What each deleted manifest goes with: its subject or its index, when that goes too.
        var followed = [Int?](repeating: nil, count: count)
        for number in candidates {
            if let subject = index.subject(of: number) {
                reasons[number] = .subjectDeleted(subject: subject.digest)
                followed[number] = subject.number
            } else if let subject = index.referrerTagSubject(of: number) {
                reasons[number] = .subjectDeleted(subject: subject.digest)
                followed[number] = subject.number
            } else if let parent = deletedParent[number], isCandidate[parent] {
                reasons[number] = .childOfDeletedIndex(index: index.digests[parent])
                followed[number] = parent
            } else {
                reasons[number] = .untagged
            }
        }
        // A referrer or child is deleted by the rule that deletes what it follows. The walk is
        // bounded: graphs are shallow, and a malformed one must not loop.
        for number in candidates {
            var root = number
            for _ in 0..<16 {
                guard let next = followed[root], isCandidate[next] else { break }
                root = next
            }
            if let owner = owners[root] { decisions.rules[number] = owner }
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
        _ reasons: inout ManifestReasons, rules: inout [Int?], candidates: [Int], repository: RepositoryInventory,
        index: RepositoryIndex, scopes: [RuleScope], owners: [Int?]
    ) {
        let roots = candidates.filter { number in
            !index.tagged[number] && !index.hasParent[number] && !index.hasSubject[number]
                && !index.referrerTagged[number]
        }
        guard !roots.isEmpty else { return }
        var spared: [Int] = []
        var eligible = roots
        if repository.untaggedVisible {
            let cutoffs = Dictionary(scopes.map { ($0.index, $0.cutoff) }) { first, _ in first }
            eligible = []
            for number in roots {
                guard let owner = owners[number], let cutoff = cutoffs[owner] ?? nil, !index.leftoverPresent[number]
                else {
                    eligible.append(number)
                    continue
                }
                if let date = index.times[number].date, date < cutoff {
                    eligible.append(number)
                } else {
                    reasons[number] = .newerThanCutoff
                    rules[number] = owner
                    spared.append(number)
                }
            }
        }
        for scope in scopes where scope.rule.deletesUntagged && scope.rule.policy.untaggedOnly {
            guard scope.rule.policy.keep > 0 else { continue }
            // Newest first, ties in digest order (the numbers' order, which is the digests' text order).
            let newest = eligible.filter { owners[$0] == scope.index }
                .sorted { a, b in
                    switch (index.times[a].date, index.times[b].date) {
                    case let (x?, y?) where x != y: return x > y
                    case (.some, nil): return true
                    case (nil, .some): return false
                    default: return a < b
                    }
                }
                .prefix(scope.rule.policy.keep)
            for (rank, number) in newest.enumerated() {
                reasons[number] = .keptNewest(rank: rank + 1, of: newest.count)
                rules[number] = scope.index
                spared.append(number)
            }
        }
        // What the spared hold stays with them: children at any depth, and referrers.
        holdWhatTheyUse(spared, reasons: &reasons, index: index)
        // Tag-schema referrer indexes of what was spared.
        var isSpared = [Bool](repeating: false, count: index.manifestCount)
        for number in spared { isSpared[number] = true }
        for entry in index.referrerTags {
            guard let number = entry.number, !reasons.isDecided(number), let subject = entry.subject,
                let subjectNumber = entry.subjectNumber, isSpared[subjectNumber]
            else { continue }
            reasons[number] = .referrerOfKept(subject: subject)
        }
    }

    /// Marks what the kept manifests `from` hold as kept too: their children at any depth (child of
    /// a kept index) and their referrers (referrer of a kept manifest), and what those hold in turn.
    /// A manifest that already has a reason keeps it.
    static func holdWhatTheyUse(_ from: [Int], reasons: inout ManifestReasons, index: RepositoryIndex) {
        var queue = from
        while let number = queue.popLast() {
            for child in index.children[number] where !reasons.isDecided(child) {
                reasons[child] = .childOfKeptIndex(index: index.digests[number])
                queue.append(child)
            }
            for referrer in index.referrers[number] where !reasons.isDecided(referrer) {
                reasons[referrer] = .referrerOfKept(subject: index.digests[number])
                queue.append(referrer)
            }
        }
    }
}
