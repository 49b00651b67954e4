import Foundation
import RegistryClient

/// Turns an inventory and a policy into a plan. Pure: no I/O, so the browser can re-plan on every
/// keystroke and tests need no registry.
public enum Planner {
    public static func plan(
        inventory: Inventory, policy: PurgePolicy, now: Date, marks: [HandMark] = []
    ) -> PurgePlan {
        let cutoff = policy.cutoff(now: now)
        var repositories: [RepositoryPlan] = []
        for repository in inventory.repositories.sorted(by: { $0.name < $1.name }) {
            let repoMarks = marks.filter { $0.repository == repository.name }
            repositories.append(plan(repository: repository, policy: policy, cutoff: cutoff, marks: repoMarks))
        }
        let bytes = bytesFreed(inventory: inventory, repositories: repositories)
        return PurgePlan(
            registry: inventory.registry, policy: policy, now: now, cutoff: cutoff, repositories: repositories,
            bytesFreed: bytes)
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
        repository: RepositoryInventory, policy: PurgePolicy, cutoff: Date?, marks: [HandMark]
    ) -> RepositoryPlan {
        let selected = policy.selects(repository: repository.name)
        // The repository part of each rule is decided once per repository, not once per tag.
        let filters = policy.filters.filter { $0.matches(repository: repository.name) }
        let protects = policy.protect.filter { $0.matches(repository: repository.name) }
        let ordered = repository.tags.map { (tag: $0.key, digest: $0.value, time: repository.time(ofTag: $0.key)) }
            .sorted { newestFirst(($0.tag, $0.time.date), ($1.tag, $1.time.date)) }

        // Tag phase.
        var reasons: [String: TagReason] = [:]
        var eligible: [String] = []
        for entry in ordered {
            if !selected || policy.untaggedOnly {
                reasons[entry.tag] = .notMatched
            } else if let rule = protects.first(where: { $0.tag.search(entry.tag) }) {
                reasons[entry.tag] = .protected(filter: rule.text)
            } else if let filter = filters.first(where: { $0.tag.search(entry.tag) }) {
                if cutoff != nil, entry.time.date == nil {
                    reasons[entry.tag] = .ageUnknown
                } else if let cutoff, let date = entry.time.date, date >= cutoff {
                    reasons[entry.tag] = .newerThanCutoff
                } else {
                    reasons[entry.tag] = .matched(filter: filter.text)
                    eligible.append(entry.tag)
                }
            } else {
                reasons[entry.tag] = .notMatched
            }
        }
        // `--keep N`: the N newest eligible tags stay; the budget is shared by all filters.
        let kept = eligible.prefix(policy.keep)
        for (rank, tag) in kept.enumerated() { reasons[tag] = .keptNewest(rank: rank + 1, of: kept.count) }
        // Hand marks last: exclusion always wins; inclusion never beats --protect.
        for mark in marks {
            guard let current = reasons[mark.tag] else { continue }
            switch mark.kind {
            case .exclude: if current.action == .delete { reasons[mark.tag] = .excludedByHand }
            case .include:
                if case .protected = current { continue }
                if current.action == .keep { reasons[mark.tag] = .markedByHand }
            }
        }
        let tagVerdicts = ordered.map { entry in
            TagVerdict(
                tag: entry.tag, digest: entry.digest, time: entry.time, reason: reasons[entry.tag] ?? .notMatched)
        }

        // Manifest phase.
        let manifestReasons = manifestPhase(
            repository: repository, policy: policy, selected: selected, tagVerdicts: tagVerdicts)
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
                    tags: (tagsByDigest[digest] ?? []).sorted(), reason: manifestReasons[digest] ?? .notMatched))
        }
        let deletedManifests = Set(manifestVerdicts.filter { $0.action == .delete }.map(\.digest))
        let referrerTags = repository.referrerTags.filter { deletedManifests.contains($0.value) }.map(\.key).sorted()
        return RepositoryPlan(
            name: repository.name, selected: selected, tags: tagVerdicts, manifests: manifestVerdicts,
            referrerTagsDeleted: referrerTags)
    }

    /// Decides every manifest: what stays tagged, what a kept manifest holds on to (children,
    /// referrers), and what is left with nothing pointing to it.
    static func manifestPhase(
        repository: RepositoryInventory, policy: PurgePolicy, selected: Bool, tagVerdicts: [TagVerdict]
    ) -> [Digest: ManifestReason] {
        var reasons: [Digest: ManifestReason] = [:]
        let manifests = repository.manifests
        var keptTags: [Digest: [String]] = [:]
        for verdict in tagVerdicts where verdict.action == .keep {
            keptTags[verdict.digest, default: []].append(verdict.tag)
        }

        // Everything a kept root holds: children at any depth, and referrers (and theirs).
        var kept: [Digest: ManifestReason] = [:]
        var queue: [Digest] = []
        for (digest, tags) in keptTags {
            kept[digest] = .stillTagged(tags: tags.sorted())
            queue.append(digest)
        }
        let deleteRequested = selected && (policy.untagged || policy.untaggedOnly)
        let taggedDigests = Set(repository.tags.values)
        if !deleteRequested {
            // Nothing is deleted by digest: every manifest stays, and says why.
            for digest in manifests.keys where kept[digest] == nil {
                let hadTags = taggedDigests.contains(digest)
                kept[digest] = selected && hadTags ? .untaggedNotRequested : .notMatched
                queue.append(digest)
            }
        }
        // Referrers whose subject is not in view stay: nothing says they are stale — unless an
        // earlier run planned them and their subject is gone (`LeftoverCheck.dangling`).
        let dangling = deleteRequested ? repository.leftovers.dangling : []
        for (digest, record) in manifests where !dangling.contains(digest) {
            if let subject = record.subject, manifests[subject] == nil, kept[digest] == nil {
                kept[digest] = .subjectNotInView(subject: subject)
                queue.append(digest)
            }
        }
        while let digest = queue.popLast() {
            guard let record = manifests[digest] else { continue }
            for child in record.children where kept[child] == nil {
                kept[child] = .childOfKeptIndex(index: digest)
                queue.append(child)
            }
            for referrer in record.referrers where kept[referrer] == nil {
                kept[referrer] = .referrerOfKept(subject: digest)
                queue.append(referrer)
            }
        }
        // Tag-schema indexes (`sha256-<hex>` tags) follow their subject.
        for (tag, digest) in repository.referrerTags where kept[digest] == nil && !dangling.contains(digest) {
            if let subject = RepositoryInventory.referrerSubject(ofTag: tag),
                kept[subject] != nil || manifests[subject] == nil
            {
                kept[digest] =
                    manifests[subject] == nil ? .subjectNotInView(subject: subject) : .referrerOfKept(subject: subject)
            }
        }
        reasons = kept

        // Whatever is left is deleted, with the reason that ties it to the purge.
        var candidates = manifests.keys.filter { reasons[$0] == nil }
        if policy.untaggedOnly && policy.keep > 0 {
            // `--untagged-only --keep N` spares the N newest untagged manifests.
            let newest = candidates.map { (name: $0.description, date: manifests[$0]?.time.date, digest: $0) }
                .sorted { newestFirst(($0.name, $0.date), ($1.name, $1.date)) }.prefix(policy.keep)
            for (rank, entry) in newest.enumerated() {
                reasons[entry.digest] = .keptNewest(rank: rank + 1, of: newest.count)
            }
            candidates = candidates.filter { reasons[$0] == nil }
        }
        let candidateSet = Set(candidates)
        // Lookups built once: a per-candidate scan would make re-planning quadratic.
        var referrerTagOf: [Digest: String] = [:]
        for (tag, digest) in repository.referrerTags { referrerTagOf[digest] = tag }
        var deletedParent: [Digest: Digest] = [:]
        for digest in candidates.sorted() {
            for child in manifests[digest]?.children ?? [] where deletedParent[child] == nil {
                deletedParent[child] = digest
            }
        }
        for digest in candidates {
            guard let record = manifests[digest] else { continue }
            if let subject = record.subject {
                reasons[digest] = .subjectDeleted(subject: subject)
            } else if let tag = referrerTagOf[digest], let subject = RepositoryInventory.referrerSubject(ofTag: tag) {
                reasons[digest] = .subjectDeleted(subject: subject)
            } else if let parent = deletedParent[digest], candidateSet.contains(parent) {
                reasons[digest] = .childOfDeletedIndex(index: parent)
            } else {
                reasons[digest] = .untagged
            }
        }
        return reasons
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
