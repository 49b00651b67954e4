import Foundation
import RegistryClient

/// Carries out a plan against the registry, safely.
///
/// Right before deleting in a repository it re-lists and re-resolves the tags (`RecheckDecision`):
/// a tag planned for deletion that moved is skipped, and a manifest that any surviving tag now
/// points to is spared together with its children and referrers. Nothing outside the plan is
/// deleted. Each deletion is journaled first. Order within a repository: referrers, indexes,
/// images, then single tags; within each of those phases deletions run concurrently, and several
/// repositories run at once.
///
/// Every planned item ends in the result: deleted, skipped for a safety reason, failed, or not
/// done (its repository stopped on an error, or the run was interrupted), so the exit status and
/// the "left undone" report can tell the truth.
public struct PurgeExecutor: Sendable {
    public let client: RegistryClient
    public let journal: Journal?
    public let stop: StopSignal?
    /// Deletions in flight at once within a phase of a repository (the client's concurrency limit
    /// bounds the requests in any case).
    public let parallelism: Int
    /// Repositories deleted in at the same time.
    public let repositoryParallelism: Int
    /// Where the journal finds the bytes of what it records: the cache the load filled, else the
    /// registry.
    let bytes: ManifestBytes

    public init(
        client: RegistryClient, journal: Journal?, stop: StopSignal? = nil, parallelism: Int = 8,
        repositoryParallelism: Int = 4, cache: ContentCache = .disabled
    ) {
        self.client = client
        self.journal = journal
        self.stop = stop
        self.parallelism = max(1, parallelism)
        self.repositoryParallelism = max(1, repositoryParallelism)
        bytes = ManifestBytes(client: client, cache: cache)
    }

    public func execute(
        plan: PurgePlan, inventory: Inventory, events: (@Sendable (ExecutionEvent) -> Void)? = nil
    ) async -> ExecutionResult {
        let affected = plan.affectedRepositories
        let total = affected.reduce(0) { $0 + $1.tagsToDelete.count + $1.manifestsToDelete.count }
        events?(.started(total: total))
        // Repositories run side by side (nothing in one depends on another: the order that keeps
        // a deletion safe is within a repository), so one's re-check overlaps another's DELETEs;
        // the client's limit bounds the requests of all of them together. One after another, the
        // DELETEs waited on each repository's re-check and on each chunk's slowest request.
        let outcomes = await Concurrently.results(affected, window: repositoryParallelism) {
            [self] repositoryPlan -> (items: [ExecutionItem], interrupted: Bool) in
            let run = RepositoryRun(plan: repositoryPlan, events: events)
            guard let repository = inventory[repositoryPlan.name] else {
                run.leaveRest("the repository is not in the inventory")
                return (run.items, false)
            }
            if stopRequested {
                run.leaveRest("interrupted before this repository")
                return (run.items, true)
            }
            events?(.checking(repository: repository.name))
            let interrupted = await execute(run, repository: repository)
            return (run.items, interrupted)
        }
        var items: [ExecutionItem] = []
        var interrupted = false
        for (repositoryPlan, outcome) in zip(affected, outcomes) {
            switch outcome {
            case .success(let outcome):
                items += outcome.items
                interrupted = interrupted || outcome.interrupted
            case .failure:
                // Only a cancelled task ends without its items; every planned item still gets one.
                let run = RepositoryRun(plan: repositoryPlan, events: events)
                run.leaveRest("interrupted")
                items += run.items
                interrupted = true
            }
        }
        await journal?.close()
        return ExecutionResult(
            registry: plan.registry, items: items, journalPath: journal?.path, interrupted: interrupted)
    }

    private var stopRequested: Bool { Task.isCancelled || (stop?.isRequested ?? false) }

    /// Deletes what may still go in one repository; true when it stopped on an interruption.
    ///
    /// Referrers, then indexes, then images, then single tags: each phase ends before the next
    /// starts, so a subject never goes before its referrers, nor a child before its index. The
    /// first phase begins with a full re-check of the repository (every tag resolved again); each
    /// later manifest phase, when anything was deleted since, with one listing that drops the tags
    /// gone and resolves the new ones (`refreshed`), so a tag pushed meanwhile onto a planned
    /// manifest is seen. (A full re-check per phase was three HEADs per tag, most of a deletion's
    /// requests, for a window — a re-pointed tag — that no API closes anyway.) The single-tag
    /// phase reuses the last look: each tag is checked against the digest it is expected at as it
    /// goes (`deleteTag(…, expecting:)`).
    private func execute(_ run: RepositoryRun, repository: RepositoryInventory) async -> Bool {
        let name = repository.name
        var current: [String: Digest]?
        for phase in DeletionPhase.allCases {
            let remaining = run.remainingPlan(repository)
            let hasWork =
                phase == .singleTags
                ? !remaining.tagsToDelete.isEmpty
                : remaining.manifestsToDelete.contains { DeletionPhase.of($0) == phase }
            guard hasWork else { continue }
            if stopRequested {
                run.leaveRest("interrupted")
                return true
            }
            do {
                if let seen = current {
                    if phase != .singleTags && run.deletedSinceCheck {
                        current = try await refreshed(seen, repository: repository)
                        run.deletedSinceCheck = false
                    }
                } else {
                    current = try await resolveAll(repository)
                    run.deletedSinceCheck = false
                }
            } catch {
                run.stop("could not re-check the repository: \(Self.text(error))")
                return false
            }
            let decision = RecheckDecision(plan: remaining, repository: repository, current: current ?? [:])
            for (target, reason) in decision.skipped { run.record(target, .skipped(reason: reason)) }
            let end: PhaseEnd
            if phase == .singleTags {
                end = await runChunks(
                    decision.singleTags, run: run, repository: name,
                    digest: \.digest,
                    entry: { entry(repository, digest: $0.digest, manifest: $1, operation: .tag, tags: [$0.tag]) },
                    send: { [client] item in
                        // `--include-locked` (only then is a locked tag planned): unlock, then delete.
                        if repository.lock(ofTag: item.tag).isLocked {
                            try await client.acrUnlock(repository: name, .tag(item.tag))
                        }
                        try await client.deleteTag(repository: name, tag: item.tag, expecting: item.digest)
                    },
                    settle: { item, result in
                        let (outcome, stop) = await settle(
                            result, repository: name, reference: item.tag, action: "delete (or push, to untag)")
                        run.record(.tag(item.tag), outcome)
                        return stop
                    })
            } else {
                let seen = current ?? [:]
                end = await runChunks(
                    decision.manifestsToGo.filter { DeletionPhase.of($0) == phase }, run: run, repository: name,
                    before: { chunk in
                        // The phase's re-check is as old as the phase: a tag pushed since onto a
                        // manifest still to go would be deleted with it. After each chunk is journaled
                        // and before its DELETEs, one listing finds new tag names (HEADs only for
                        // those): a push that completed before the journal entries were written is
                        // always seen. A re-point of an existing tag within a phase stays the window
                        // no registry API closes.
                        await stillToGo(
                            chunk, repository: repository, plan: run.remainingPlan(repository), seen: seen, run: run)
                    },
                    digest: \.digest,
                    entry: {
                        entry(
                            repository, digest: $0.digest, manifest: $1, operation: .manifest,
                            tags: decision.tagsOf[$0.digest] ?? [])
                    },
                    send: { [client] manifest in
                        // A locked manifest, or one with locked tags, is planned only with
                        // `--include-locked`: ACR refuses the DELETE until each is unlocked.
                        for tag in decision.tagsOf[manifest.digest] ?? [] where repository.lock(ofTag: tag).isLocked {
                            try await client.acrUnlock(repository: name, .tag(tag))
                        }
                        if repository.manifests[manifest.digest]?.lock.isLocked == true {
                            try await client.acrUnlock(repository: name, .manifest(manifest.digest))
                        }
                        try await client.deleteManifest(repository: name, digest: manifest.digest)
                    },
                    settle: { manifest, result in
                        let (outcome, stop) = await settle(
                            result, repository: name, reference: manifest.digest.description, action: "delete")
                        run.record(.manifest(manifest.digest), outcome)
                        // Its tags share its fate (a failure in their words).
                        let tagOutcome: ExecutionItem.Outcome =
                            if case .failed = outcome {
                                .failed(error: "its manifest \(manifest.digest.short) could not be deleted")
                            } else { outcome }
                        for tag in decision.tagsOf[manifest.digest] ?? [] where decision.tagsToGo[tag] != nil {
                            run.record(.tag(tag), tagOutcome)
                        }
                        return stop
                    })
            }
            switch end {
            case .done: continue
            case .interrupted: return true
            case .stopped: return false
            }
        }
        // Every planned item has an outcome by now; anything without one is reported, not dropped.
        run.leaveRest("no phase reached it")
        return false
    }

    private enum PhaseEnd {
        case done
        case interrupted
        case stopped
    }

    /// Deletes `items` concurrently, a chunk of `parallelism` at a time: the chunk's journal
    /// entries are synced in one write first, and a stop takes effect between chunks. An item
    /// whose manifest bytes cannot be read is not deleted (the journal could not put it back).
    /// `settle` records each result and returns why the repository must stop, if it must.
    private func runChunks<Item: Sendable>(
        _ items: [Item], run: RepositoryRun, repository: String, before: (([Item]) async -> [Item]?)? = nil,
        digest: (Item) -> Digest, entry: (Item, Data) -> JournalEntry,
        send: @escaping @Sendable (Item) async throws -> Void, settle: (Item, Result<Void, any Error>) async -> String?
    ) async -> PhaseEnd {
        for chunk in Self.chunks(items, of: parallelism) {
            if stopRequested {
                run.leaveRest("interrupted")
                return .interrupted
            }
            var planned: [Item] = []
            var entries: [JournalEntry] = []
            var unreadable: [(Item, any Error)] = []
            if journal != nil {
                let found = await bytes.read(repository: repository, chunk.map(digest))
                for item in chunk {
                    switch found[digest(item)] {
                    case .success(let data)?:
                        planned.append(item)
                        entries.append(entry(item, data))
                    case .failure(let error)?: unreadable.append((item, error))
                    case nil: unreadable.append((item, CancellationError()))
                    }
                }
            } else {
                planned = chunk
            }
            var stopReason: String?
            for (item, error) in unreadable {
                if let reason = await settle(item, .failure(error)) { stopReason = stopReason ?? reason }
            }
            if let stopReason {
                run.stop(stopReason)
                return .stopped
            }
            do {
                try await journal?.append(contentsOf: entries)
            } catch {
                run.stop(
                    "the journal could not be written (\(error.localizedDescription)); nothing more is deleted without a record"
                )
                return .stopped
            }
            // `before` (a last look) may leave journaled items out, recorded by it (an entry for a
            // deletion never sent is harmless to `restore`), or stop the repository (nil).
            var sending = planned
            if let before {
                guard let kept = await before(planned) else { return .stopped }
                sending = kept
            }
            if sending.isEmpty { continue }
            let results = await Concurrently.results(sending, window: sending.count, send)
            for (item, result) in zip(sending, results) {
                if let reason = await settle(item, result) { stopReason = stopReason ?? reason }
            }
            if let stopReason {
                run.stop(stopReason)
                return .stopped
            }
        }
        return .done
    }

    /// What one deletion's result means, and whether the repository must stop. "Not found" is
    /// believed only when a second look agrees; a tag someone moved is left alone.
    private func settle(
        _ result: Result<Void, any Error>, repository: String, reference: String, action: String
    ) async -> (ExecutionItem.Outcome, stop: String?) {
        switch result {
        case .success:
            return (.deleted, nil)
        case .failure(let error as RegistryError) where error.kind == .notFound:
            if let still = await stillThere(repository, reference: reference) { return (.failed(error: still), nil) }
            return (.alreadyGone, nil)
        case .failure(let error as RegistryError) where error.kind == .moved:
            return (.skipped(reason: error.summary), nil)
        case .failure(let error):
            return (.failed(error: Self.text(error)), Self.stopReason(error, action: action))
        }
    }

    /// Why an item the registry called "not found" is not gone, or nil when it really is.
    private func stillThere(_ repository: String, reference: String) async -> String? {
        do {
            guard let head = try await client.head(repository: repository, reference: reference) else { return nil }
            return "the registry answered 'not found' but it still resolves (to \(head.digest.short)); run again"
        } catch {
            // Unconfirmed is not done: the run says so, and the next one finds out.
            return "the registry answered 'not found', and checking that failed: \(Self.text(error))"
        }
    }

    static func chunks<Element>(_ elements: [Element], of size: Int) -> [[Element]] {
        stride(from: 0, to: elements.count, by: max(1, size)).map {
            Array(elements[$0..<min($0 + max(1, size), elements.count)])
        }
    }

    /// The manifests of `chunk` that may still go: tags pushed since the phase's re-check are
    /// resolved and decide with the rest (`RecheckDecision`); the ones they now hold are skipped.
    /// Nil (and the repository stopped) when the listing fails.
    private func stillToGo(
        _ chunk: [ManifestVerdict], repository: RepositoryInventory, plan: RepositoryPlan, seen: [String: Digest],
        run: RepositoryRun
    ) async -> [ManifestVerdict]? {
        let current: [String: Digest]
        do {
            current = try await refreshed(seen, repository: repository)
            // Nothing new: the phase's decision stands for the chunk.
            if repository.api != .acr, current.keys.allSatisfy({ seen[$0] != nil }) { return chunk }
        } catch {
            run.stop("could not re-check the repository: \(Self.text(error))")
            return nil
        }
        return Self.decide(chunk, plan: plan, repository: repository, current: current, run: run)
    }

    /// The manifests of `chunk` that the tags found now still let go; the others are recorded as skipped.
    private static func decide(
        _ chunk: [ManifestVerdict], plan: RepositoryPlan, repository: RepositoryInventory, current: [String: Digest],
        run: RepositoryRun
    ) -> [ManifestVerdict] {
        let decision = RecheckDecision(plan: plan, repository: repository, current: current)
        let going = Set(decision.manifestsToGo.map(\.digest))
        for (target, reason) in decision.skipped {
            if case .manifest(let digest) = target, chunk.contains(where: { $0.digest == digest }) {
                run.record(target, .skipped(reason: reason))
            }
        }
        return chunk.filter { going.contains($0.digest) }
    }

    /// `seen` brought up to date with one listing: names no longer listed are dropped and new
    /// names resolved (a HEAD each); a name still listed keeps the digest it was seen at. On ACR
    /// the listing carries every digest, so it is simply the listing. A tag re-pointed under a
    /// name already seen is not caught here: only the repository's first re-check (a HEAD per
    /// tag) sees that, and no registry API closes that window for the time of a deletion.
    private func refreshed(_ seen: [String: Digest], repository: RepositoryInventory) async throws -> [String: Digest] {
        if repository.api == .acr { return try await resolveAll(repository) }
        let names = try await client.tags(repository: repository.name)
        var current: [String: Digest] = [:]
        var new: [String] = []
        for name in names {
            if let digest = seen[name] { current[name] = digest } else { new.append(name) }
        }
        guard !new.isEmpty else { return current }
        let client = self.client
        let resolved = try await TagResolution.resolve(new) { tag in
            try await client.head(repository: repository.name, reference: tag)?.digest
        }
        for (tag, digest) in resolved { if let digest { current[tag] = digest } }
        return current
    }

    /// Every tag of the repository now, resolved to its digest: on ACR from its listing, which
    /// carries digests; elsewhere one HEAD per tag.
    private func resolveAll(_ inventory: RepositoryInventory) async throws -> [String: Digest] {
        let repository = inventory.name
        if inventory.api == .acr {
            var result: [String: Digest] = [:]
            for tag in try await client.acrTags(repository: repository) { result[tag.name] = tag.digest }
            return result
        }
        let tags = try await client.tags(repository: repository)
        let client = self.client
        let resolved = try await TagResolution.resolve(tags) { tag in
            try await client.head(repository: repository, reference: tag)?.digest
        }
        var result: [String: Digest] = [:]
        for (tag, digest) in resolved { if let digest { result[tag] = digest } }
        return result
    }

    private func entry(
        _ repository: RepositoryInventory, digest: Digest, manifest: Data, operation: JournalEntry.Operation,
        tags: [String]
    ) -> JournalEntry {
        let record = repository.manifests[digest]
        return JournalEntry(
            time: Date(), registry: client.endpoint.name, repository: repository.name, operation: operation,
            digest: digest, mediaType: record?.mediaType ?? MediaType.ociManifest, manifest: manifest, tags: tags)
    }

    /// Errors after which the rest of a repository cannot succeed either.
    static func stopReason(_ error: any Error, action: String) -> String? {
        if error is CancellationError { return "cancelled" }
        guard let error = error as? RegistryError else { return nil }
        switch error.kind {
        case .unauthorized, .forbidden: return permissionMessage(error, action: action)
        case .deleteDisabled: return "deletion is disabled on this registry: \(error.description)"
        case .cancelled: return "cancelled"
        default: return nil
        }
    }

    static func permissionMessage(_ error: RegistryError, action: String) -> String {
        "the credentials lack the '\(action)' permission on this repository (\(error.status.map { "HTTP \($0)" } ?? "denied")); grant it and run again"
    }

    /// An error in words, safe for a terminal.
    static func text(_ error: any Error) -> String { ErrorText.of(error) }
}

/// The items of one repository's run, recorded as they happen.
private final class RepositoryRun: @unchecked Sendable {
    let plan: RepositoryPlan
    let events: (@Sendable (ExecutionEvent) -> Void)?
    private(set) var items: [ExecutionItem] = []
    private var settled: Set<ExecutionItem.Target> = []
    /// Whether anything went since the last re-check (which is then out of date): deleted, or found
    /// already gone — a DELETE whose answer was lost did delete, and its retry is told "not found".
    var deletedSinceCheck = false
    /// Settled and still in the registry: failed, skipped (for a reason other than being gone) or
    /// not done.
    private var notDeleted: Set<ExecutionItem.Target> = []

    init(plan: RepositoryPlan, events: (@Sendable (ExecutionEvent) -> Void)?) {
        self.plan = plan
        self.events = events
    }

    func record(_ target: ExecutionItem.Target, _ outcome: ExecutionItem.Outcome) {
        guard settled.insert(target).inserted else { return }
        if outcome.isGone { deletedSinceCheck = true } else { notDeleted.insert(target) }
        let item = ExecutionItem(repository: plan.name, target: target, outcome: outcome)
        items.append(item)
        events?(.item(item))
    }

    /// The plan without what is settled already, for the next phase's re-check. A referrer tag
    /// whose manifest is still there is no longer going: it survives, and holds its subject.
    func remainingPlan(_ repository: RepositoryInventory) -> RepositoryPlan {
        var remaining = plan
        remaining.referrerTagsDeleted = plan.referrerTagsDeleted.filter { tag in
            guard let digest = repository.referrerTags[tag] else { return true }
            return !notDeleted.contains(.manifest(digest))
        }
        remaining.tags = plan.tags.filter { $0.action != .delete || !settled.contains(.tag($0.tag)) }
        remaining.manifests = plan.manifests.filter {
            $0.action != .delete || !settled.contains(.manifest($0.digest))
        }
        return remaining
    }

    /// Every planned item not settled yet is left undone, with `reason`.
    func leaveRest(_ reason: String) {
        for tag in plan.tagsToDelete { record(.tag(tag.tag), .notDone(reason: reason)) }
        for manifest in plan.manifestsToDelete { record(.manifest(manifest.digest), .notDone(reason: reason)) }
    }

    /// The repository stops on an error: reported once, the rest left undone.
    func stop(_ reason: String) {
        events?(.repositoryStopped(repository: plan.name, reason: reason))
        leaveRest(reason)
    }
}
