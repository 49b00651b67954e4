import Foundation
import RegistryClient

/// Carries out a plan against the registry, safely.
///
/// Right before deleting in a repository it re-lists and re-resolves the tags (`RecheckDecision`):
/// a tag planned for deletion that moved is skipped, and a manifest that any surviving tag now
/// points to is spared together with its children and referrers. Nothing outside the plan is
/// deleted. Each deletion is journaled first. Order: referrers, indexes, images, then single tags;
/// within each of those phases, deletions run concurrently.
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

    public init(client: RegistryClient, journal: Journal?, stop: StopSignal? = nil, parallelism: Int = 8) {
        self.client = client
        self.journal = journal
        self.stop = stop
        self.parallelism = max(1, parallelism)
    }

    public func execute(
        plan: PurgePlan, inventory: Inventory, events: (@Sendable (ExecutionEvent) -> Void)? = nil
    ) async -> ExecutionResult {
        let affected = plan.affectedRepositories
        let total = affected.reduce(0) { $0 + $1.tagsToDelete.count + $1.manifestsToDelete.count }
        events?(.started(total: total))
        var items: [ExecutionItem] = []
        var interrupted = false
        for repositoryPlan in affected {
            let run = RepositoryRun(plan: repositoryPlan, events: events)
            guard let repository = inventory[repositoryPlan.name] else {
                run.leaveRest("the repository is not in the inventory")
                items += run.items
                continue
            }
            if stopRequested {
                interrupted = true
                run.leaveRest("interrupted before this repository")
                items += run.items
                continue
            }
            events?(.checking(repository: repository.name))
            interrupted = await execute(run, repository: repository) || interrupted
            items += run.items
        }
        await journal?.close()
        return ExecutionResult(
            registry: plan.registry, items: items, journalPath: journal?.path, interrupted: interrupted)
    }

    private var stopRequested: Bool { Task.isCancelled || (stop?.isRequested ?? false) }

    /// Deletes what may still go in one repository; true when it stopped on an interruption.
    private func execute(_ run: RepositoryRun, repository: RepositoryInventory) async -> Bool {
        let name = repository.name
        // Referrers, then indexes, then images, then single tags: each phase ends before the next
        // starts, so a subject never goes before its referrers, nor a child before its index. Each
        // phase with work left begins with a fresh re-check of the repository, so what another
        // writer changed before it (a tag re-pointed, a tag pushed onto a planned manifest) is seen.
        for phase in 0...3 {
            let remaining = run.remainingPlan(repository)
            let hasWork =
                phase < 3
                ? remaining.manifestsToDelete.contains { RecheckDecision.rank($0) == phase }
                : !remaining.tagsToDelete.isEmpty
            guard hasWork else { continue }
            let current: [String: Digest]
            do {
                current = try await resolveAll(repository: name)
            } catch {
                run.stop("could not re-check the repository: \(Self.text(error))")
                return false
            }
            let decision = RecheckDecision(plan: remaining, repository: repository, current: current)
            for (target, reason) in decision.skipped { run.record(target, .skipped(reason: reason)) }
            let end =
                phase < 3
                ? await deleteManifests(
                    decision.manifestsToGo.filter { RecheckDecision.rank($0) == phase }, decision: decision, run: run,
                    repository: repository)
                : await deleteSingleTags(decision: decision, run: run, repository: repository)
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

    /// One phase of manifests, concurrently, a chunk at a time: the chunk's journal entries are
    /// synced in one write first, and a stop takes effect between chunks.
    private func deleteManifests(
        _ manifests: [ManifestVerdict], decision: RecheckDecision, run: RepositoryRun, repository: RepositoryInventory
    ) async -> PhaseEnd {
        let name = repository.name
        for chunk in Self.chunks(manifests, of: parallelism) {
            if stopRequested {
                run.leaveRest("interrupted")
                return .interrupted
            }
            let entries = chunk.map { manifest in
                entry(
                    repository, digest: manifest.digest, operation: .manifest,
                    tags: decision.tagsOf[manifest.digest] ?? [])
            }
            do {
                try await journal?.append(contentsOf: entries)
            } catch {
                run.stop(Self.stopReason(error, action: "delete") ?? Self.text(error))
                return .stopped
            }
            let results = await concurrently(chunk) { manifest in
                try await client.deleteManifest(repository: name, digest: manifest.digest)
            }
            var stopReason: String?
            for (manifest, result) in zip(chunk, results) {
                let tags = (decision.tagsOf[manifest.digest] ?? []).filter { decision.tagsToGo[$0] != nil }
                switch result {
                case .success:
                    run.record(.manifest(manifest.digest), .deleted)
                    for tag in tags { run.record(.tag(tag), .deleted) }
                case .failure(let error as RegistryError) where error.kind == .notFound:
                    // "Not found" is only believed when the registry agrees on a second look.
                    if let still = await stillThere(name, reference: manifest.digest.description) {
                        run.record(.manifest(manifest.digest), .failed(error: still))
                        for tag in tags { run.record(.tag(tag), .failed(error: still)) }
                    } else {
                        run.record(.manifest(manifest.digest), .skipped(reason: "already gone"))
                        for tag in tags { run.record(.tag(tag), .skipped(reason: "already gone")) }
                    }
                case .failure(let error):
                    run.record(.manifest(manifest.digest), .failed(error: Self.text(error)))
                    for tag in tags {
                        run.record(
                            .tag(tag), .failed(error: "its manifest \(manifest.digest.short) could not be deleted"))
                    }
                    stopReason = stopReason ?? Self.stopReason(error, action: "delete")
                }
            }
            if let stopReason {
                run.stop(stopReason)
                return .stopped
            }
        }
        return .done
    }

    /// Planned tags whose manifest stays, removed one by one (each checked to still point where the
    /// plan saw it right before it goes).
    private func deleteSingleTags(
        decision: RecheckDecision, run: RepositoryRun, repository: RepositoryInventory
    ) async -> PhaseEnd {
        let name = repository.name
        // The first tag goes alone: it teaches how this registry removes a tag. Placeholder untags
        // all need the empty config blob, so it is uploaded once before the rest, and they go one at
        // a time: distribution 2.x was seen answering 404 to the DELETE of a placeholder it had just
        // stored when several ran at once in one repository. Native tag deletes run concurrently.
        let first = Array(decision.singleTags.prefix(1))
        let rest = Array(decision.singleTags.dropFirst())
        for (index, chunk) in ([first] + [[]]).enumerated() {
            let chunks: [[(tag: String, digest: Digest)]]
            if index == 0 {
                chunks = chunk.isEmpty ? [] : [chunk]
            } else {
                guard !rest.isEmpty else { break }
                let placeholder = await client.learnedTagDeletion != .native
                if placeholder { try? await client.prepareTagDeletion(repository: name) }
                chunks = Self.chunks(rest, of: placeholder ? 1 : parallelism)
            }
            if let end = await deleteTagChunks(chunks, run: run, repository: repository) { return end }
        }
        return .done
    }

    /// Single-tag deletions, chunk by chunk; nil when all went through without a stop.
    private func deleteTagChunks(
        _ chunks: [[(tag: String, digest: Digest)]], run: RepositoryRun, repository: RepositoryInventory
    ) async -> PhaseEnd? {
        let name = repository.name
        for chunk in chunks {
            if stopRequested {
                run.leaveRest("interrupted")
                return .interrupted
            }
            let entries = chunk.map { entry(repository, digest: $0.digest, operation: .tag, tags: [$0.tag]) }
            do {
                try await journal?.append(contentsOf: entries)
            } catch {
                run.stop(Self.stopReason(error, action: "delete") ?? Self.text(error))
                return .stopped
            }
            let results = await concurrently(chunk) { item in
                try await client.deleteTag(repository: name, tag: item.tag, expecting: item.digest)
            }
            var stopReason: String?
            for (item, result) in zip(chunk, results) {
                switch result {
                case .success: run.record(.tag(item.tag), .deleted)
                case .failure(let error as RegistryError) where error.kind == .notFound:
                    if let still = await stillThere(name, reference: item.tag) {
                        run.record(.tag(item.tag), .failed(error: still))
                    } else {
                        run.record(.tag(item.tag), .skipped(reason: "already gone"))
                    }
                case .failure(let error as RegistryError) where error.kind == .moved:
                    run.record(.tag(item.tag), .skipped(reason: error.summary))
                case .failure(let error):
                    run.record(.tag(item.tag), .failed(error: Self.text(error)))
                    stopReason = stopReason ?? Self.stopReason(error, action: "delete (or push, to untag)")
                }
            }
            if let stopReason {
                run.stop(stopReason)
                return .stopped
            }
        }
        return nil
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

    /// Runs `operation` on every element at once (the client's limit bounds the requests) and
    /// returns the results in the elements' order.
    private func concurrently<Element: Sendable>(
        _ elements: [Element], _ operation: @escaping @Sendable (Element) async throws -> Void
    ) async -> [Result<Void, any Error>] {
        await withTaskGroup(of: (Int, Result<Void, any Error>).self) { group in
            for (index, element) in elements.enumerated() {
                group.addTask {
                    do {
                        try await operation(element)
                        return (index, .success(()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<Void, any Error>](repeating: .success(()), count: elements.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    static func chunks<Element>(_ elements: [Element], of size: Int) -> [[Element]] {
        stride(from: 0, to: elements.count, by: max(1, size)).map {
            Array(elements[$0..<min($0 + max(1, size), elements.count)])
        }
    }

    /// Every tag of the repository now, resolved to its digest.
    private func resolveAll(repository: String) async throws -> [String: Digest] {
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
        _ repository: RepositoryInventory, digest: Digest, operation: JournalEntry.Operation, tags: [String]
    ) -> JournalEntry {
        let record = repository.manifests[digest]
        return JournalEntry(
            time: Date(), registry: client.endpoint.name, repository: repository.name, operation: operation,
            digest: digest, mediaType: record?.mediaType ?? MediaType.ociManifest, manifest: record?.body ?? Data(),
            tags: tags)
    }

    /// Errors after which the rest of a repository cannot succeed either.
    static func stopReason(_ error: any Error, action: String) -> String? {
        guard let error = error as? RegistryError else {
            // The journal could not be written: deleting without a record is not allowed.
            return "the journal could not be written (\(error)); nothing more is deleted without a record"
        }
        switch error.kind {
        case .unauthorized, .forbidden: return permissionMessage(error, action: action)
        case .deleteDisabled: return "deletion is disabled on this registry: \(error.description)"
        default: return nil
        }
    }

    static func permissionMessage(_ error: RegistryError, action: String) -> String {
        "the credentials lack the '\(action)' permission on this repository (\(error.status.map { "HTTP \($0)" } ?? "denied")); grant it and run again"
    }

    /// An error in words, safe for a terminal.
    static func text(_ error: any Error) -> String {
        (error as? RegistryError)?.description ?? SafeText.escape("\(error)")
    }
}

/// The items of one repository's run, recorded as they happen.
private final class RepositoryRun: @unchecked Sendable {
    let plan: RepositoryPlan
    let events: (@Sendable (ExecutionEvent) -> Void)?
    private(set) var items: [ExecutionItem] = []
    private var settled: Set<ExecutionItem.Target> = []
    /// Settled without being deleted: failed, skipped or not done.
    private var notDeleted: Set<ExecutionItem.Target> = []

    init(plan: RepositoryPlan, events: (@Sendable (ExecutionEvent) -> Void)?) {
        self.plan = plan
        self.events = events
    }

    func record(_ target: ExecutionItem.Target, _ outcome: ExecutionItem.Outcome) {
        guard settled.insert(target).inserted else { return }
        if outcome != .deleted { notDeleted.insert(target) }
        let item = ExecutionItem(repository: plan.name, target: target, outcome: outcome)
        items.append(item)
        events?(.item(item))
    }

    /// The plan without what is settled already, for the next phase's re-check. A referrer tag
    /// whose manifest was not deleted is no longer going: it survives, and holds its subject.
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
