import RegistryClient

/// What may still go in one repository, given its tags as they are right before deleting.
///
/// Pure: the executor feeds it the plan, the inventory and the re-listed tags, and carries out the
/// result. A planned tag that moved or vanished is skipped; every tag that survives the purge
/// (kept, new, or moved) protects the manifest it points to now, with its children and referrers.
struct RecheckDecision: Sendable {
    /// Planned tags that still point where the plan saw them.
    var tagsToGo: [String: Digest] = [:]
    /// Planned manifests nothing surviving needs, by digest (`DeletionPhase.of` orders their deletion).
    var manifestsToGo: [ManifestVerdict] = []
    /// Planned tags whose manifest stays: removed one by one, by name.
    var singleTags: [(tag: String, digest: Digest)] = []
    /// Safety skips, with their reasons.
    var skipped: [(ExecutionItem.Target, String)] = []
    /// Tags that point to each going manifest now (they go with it).
    var tagsOf: [Digest: [String]] = [:]

    init(plan: RepositoryPlan, repository: RepositoryInventory, current: [String: Digest]) {
        for verdict in plan.tagsToDelete {
            switch current[verdict.tag] {
            case nil: skipped.append((.tag(verdict.tag), "already gone"))
            case let now? where now != verdict.digest:
                skipped.append(
                    (.tag(verdict.tag), "moved from \(verdict.digest.short) to \(now.short) since the plan"))
            default: tagsToGo[verdict.tag] = verdict.digest
            }
        }
        let referrerTagsGoing = Set(plan.referrerTagsDeleted)
        var spared: [Digest: String] = [:]
        for (tag, digest) in current.sorted(by: { $0.key < $1.key }) where tagsToGo[tag] == nil {
            if referrerTagsGoing.contains(tag) && repository.referrerTags[tag] == digest { continue }
            if spared[digest] == nil { spared[digest] = "tag \(tag) points to it" }
            // A surviving referrer tag holds its subject: deleting the subject would orphan the
            // referrer, which a later run could then never see as stale.
            if let subject = RepositoryInventory.referrerSubject(ofTag: tag), spared[subject] == nil {
                spared[subject] = "its referrer tag \(tag) survives"
            }
        }
        // Everything a surviving manifest reaches stays too.
        var queue = Array(spared.keys)
        while let digest = queue.popLast() {
            guard let record = repository.manifests[digest] else { continue }
            for next in record.children + record.referrers where spared[next] == nil {
                spared[next] = "it belongs to \(digest.short), which a surviving tag points to"
                queue.append(next)
            }
        }
        for manifest in plan.manifestsToDelete {
            if let why = spared[manifest.digest] {
                skipped.append((.manifest(manifest.digest), "kept after re-check: \(why)"))
            } else {
                manifestsToGo.append(manifest)
            }
        }
        manifestsToGo.sort { $0.digest < $1.digest }
        let going = Set(manifestsToGo.map(\.digest))
        for (tag, digest) in current where going.contains(digest) { tagsOf[digest, default: []].append(tag) }
        for key in tagsOf.keys { tagsOf[key]?.sort() }
        singleTags = tagsToGo.filter { !going.contains($0.value) }.sorted { $0.key < $1.key }.map {
            (tag: $0.key, digest: $0.value)
        }
    }
}

/// The phases of deleting in one repository, in their order: referrers go before their subject,
/// indexes before their children.
enum DeletionPhase: CaseIterable, Sendable {
    case referrers
    case indexes
    case images
    /// Tags whose manifest stays: removed one by one.
    case singleTags

    /// The phase a manifest goes in.
    static func of(_ manifest: ManifestVerdict) -> DeletionPhase {
        manifest.isReferrer ? .referrers : (manifest.kind == .index ? .indexes : .images)
    }
}
