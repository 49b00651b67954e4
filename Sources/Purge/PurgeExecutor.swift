import Foundation
import RegistryClient

/// Carries out a plan against the registry, safely.
///
/// Right before deleting in a repository it re-lists and re-resolves the tags: a tag planned for
/// deletion that moved is skipped, and a manifest that any surviving tag (kept, new, or moved)
/// now points to is spared together with its children and referrers. Nothing outside the plan is
/// deleted. Each deletion is journaled first. Order: single tags, then referrers, indexes, images.
public struct PurgeExecutor: Sendable {
    public let client: RegistryClient
    public let journal: Journal?

    public init(client: RegistryClient, journal: Journal?) {
        self.client = client
        self.journal = journal
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
            if Task.isCancelled {
                interrupted = true
                break
            }
            guard let repository = inventory[repositoryPlan.name] else { continue }
            events?(.checking(repository: repository.name))
            let report: @Sendable (ExecutionItem) -> Void = { events?(.item($0)) }
            let outcome = await execute(repositoryPlan, repository: repository, report: report, events: events)
            items += outcome.items
            if outcome.interrupted {
                interrupted = true
                break
            }
        }
        await journal?.close()
        return ExecutionResult(
            registry: plan.registry, items: items, journalPath: journal?.path, interrupted: interrupted)
    }

    private struct RepositoryOutcome {
        var items: [ExecutionItem] = []
        var interrupted = false
    }

    private func execute(
        _ plan: RepositoryPlan, repository: RepositoryInventory, report: @Sendable (ExecutionItem) -> Void,
        events: (@Sendable (ExecutionEvent) -> Void)?
    ) async -> RepositoryOutcome {
        var outcome = RepositoryOutcome()
        let name = repository.name
        func record(_ target: ExecutionItem.Target, _ result: ExecutionItem.Outcome) {
            let item = ExecutionItem(repository: name, target: target, outcome: result)
            outcome.items.append(item)
            report(item)
        }
        let plannedTags = plan.tagsToDelete
        let plannedManifests = plan.manifestsToDelete
        func stopAll(_ reason: String) {
            events?(.repositoryStopped(repository: name, reason: reason))
            for tag in plannedTags where !outcome.items.contains(where: { $0.target == .tag(tag.tag) }) {
                record(.tag(tag.tag), .skipped(reason: "stopped: \(reason)"))
            }
            for manifest in plannedManifests
            where !outcome.items.contains(where: { $0.target == .manifest(manifest.digest) }) {
                record(.manifest(manifest.digest), .skipped(reason: "stopped: \(reason)"))
            }
        }

        // Re-check the repository as it is now.
        let capabilities: RegistryCapabilities
        let current: [String: Digest]
        do {
            capabilities = try await client.capabilities(repository: name)
            if capabilities.deleteEnabled == false {
                stopAll("deletion is disabled on this registry (set storage.delete.enabled: true in its config)")
                return outcome
            }
            current = try await resolveAll(repository: name)
        } catch {
            stopAll("could not re-check the repository: \(error)")
            return outcome
        }

        let plannedTagDigests = Dictionary(uniqueKeysWithValues: plannedTags.map { ($0.tag, $0.digest) })
        var tagsToGo: [String: Digest] = [:]
        for (tag, planned) in plannedTagDigests {
            switch current[tag] {
            case nil: record(.tag(tag), .skipped(reason: "already gone"))
            case let now? where now != planned:
                record(.tag(tag), .skipped(reason: "moved from \(planned.short) to \(now.short) since the plan"))
            default: tagsToGo[tag] = planned
            }
        }
        // Every tag that survives the purge protects what it points to now.
        let referrerTagsGoing = Set(plan.referrerTagsDeleted)
        var spared: [Digest: String] = [:]
        for (tag, digest) in current where tagsToGo[tag] == nil {
            if referrerTagsGoing.contains(tag) && repository.referrerTags[tag] == digest { continue }
            if spared[digest] == nil { spared[digest] = tag }
        }
        var sparedClosure: [Digest: String] = [:]
        var queue = Array(spared.keys)
        for (digest, tag) in spared { sparedClosure[digest] = "tag \(tag) points to it" }
        while let digest = queue.popLast() {
            guard let record = repository.manifests[digest] else { continue }
            for next in record.children + record.referrers where sparedClosure[next] == nil {
                sparedClosure[next] = "it belongs to \(digest.short), which a surviving tag points to"
                queue.append(next)
            }
        }
        var manifestsToGo: [ManifestVerdict] = []
        for manifest in plannedManifests {
            if let why = sparedClosure[manifest.digest] {
                record(.manifest(manifest.digest), .skipped(reason: "kept after re-check: \(why)"))
            } else {
                manifestsToGo.append(manifest)
            }
        }
        let goingDigests = Set(manifestsToGo.map(\.digest))

        // Single tags whose manifest stays: remove just the tag.
        for (tag, digest) in tagsToGo.sorted(by: { $0.key < $1.key }) where !goingDigests.contains(digest) {
            if Task.isCancelled {
                outcome.interrupted = true
                record(.tag(tag), .skipped(reason: "interrupted"))
                continue
            }
            do {
                try await journal?.append(entry(repository, digest: digest, operation: .tag, tags: [tag]))
                try await client.deleteTag(repository: name, tag: tag, using: capabilities.tagDeletion)
                record(.tag(tag), .deleted)
            } catch let error as RegistryError where error.kind == .unauthorized || error.kind == .forbidden {
                record(.tag(tag), .failed(error: error.description))
                stopAll(
                    Self.permissionMessage(
                        error, action: capabilities.tagDeletion == .native ? "delete" : "push and delete"))
                return outcome
            } catch {
                record(.tag(tag), .failed(error: "\(error)"))
            }
        }

        // Manifests: referrers first, then indexes, then images and children.
        let ordered = manifestsToGo.sorted { a, b in
            let rank = { (m: ManifestVerdict) -> Int in m.isReferrer ? 0 : (m.kind == .index ? 1 : 2) }
            return rank(a) != rank(b) ? rank(a) < rank(b) : a.digest < b.digest
        }
        for manifest in ordered {
            let tags = current.filter { $0.value == manifest.digest }.map(\.key).sorted()
            if Task.isCancelled {
                outcome.interrupted = true
                record(.manifest(manifest.digest), .skipped(reason: "interrupted"))
                for tag in tags where tagsToGo[tag] != nil { record(.tag(tag), .skipped(reason: "interrupted")) }
                continue
            }
            do {
                try await journal?.append(entry(repository, digest: manifest.digest, operation: .manifest, tags: tags))
                try await client.deleteManifest(repository: name, digest: manifest.digest)
                record(.manifest(manifest.digest), .deleted)
                for tag in tags where tagsToGo[tag] != nil { record(.tag(tag), .deleted) }
            } catch let error as RegistryError where error.kind == .notFound {
                record(.manifest(manifest.digest), .skipped(reason: "already gone"))
            } catch let error as RegistryError where error.kind == .unauthorized || error.kind == .forbidden {
                record(.manifest(manifest.digest), .failed(error: error.description))
                stopAll(Self.permissionMessage(error, action: "delete"))
                return outcome
            } catch {
                record(.manifest(manifest.digest), .failed(error: "\(error)"))
                for tag in tags where tagsToGo[tag] != nil {
                    record(.tag(tag), .failed(error: "its manifest could not be deleted"))
                }
            }
        }
        return outcome
    }

    /// Every tag of the repository now, resolved to its digest.
    private func resolveAll(repository: String) async throws -> [String: Digest] {
        let tags = try await client.tags(repository: repository)
        return try await withThrowingTaskGroup(of: (String, Digest?).self) { group in
            for tag in tags {
                group.addTask { (tag, try await client.head(repository: repository, reference: tag)?.digest) }
            }
            var result: [String: Digest] = [:]
            for try await (tag, digest) in group { if let digest { result[tag] = digest } }
            return result
        }
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

    static func permissionMessage(_ error: RegistryError, action: String) -> String {
        "the credentials lack the '\(action)' permission on this repository (\(error.status.map { "HTTP \($0)" } ?? "denied")); grant it and run again"
    }
}
