import Foundation
import RegistryClient

/// Puts back what a journal says was deleted, while the registry still has the blobs (that is,
/// before its garbage collection ran).
public struct Restorer: Sendable {
    public let client: RegistryClient

    public init(client: RegistryClient) {
        self.client = client
    }

    /// Restores in one pass, children before their index and subjects before their referrers
    /// (`RestoreOrder`). Running it twice is harmless: putting back what is there changes nothing.
    /// An entry the registry refused because something it needs was missing is tried once more at
    /// the end, after everything else is back.
    public func restore(
        entries: [JournalEntry], repositories: Set<String>? = nil, report: (@Sendable (ExecutionItem) -> Void)? = nil
    ) async -> [ExecutionItem] {
        let wanted = entries.filter { repositories?.contains($0.repository) ?? true }
        var items: [ExecutionItem] = []
        var retry: [JournalEntry] = []
        for entry in RestoreOrder.sorted(wanted) {
            let outcome = await restore(entry)
            if case .missingDependency = outcome {
                retry.append(entry)
            } else {
                for item in outcome.items(entry) {
                    items.append(item)
                    report?(item)
                }
            }
        }
        for entry in retry {
            let outcome = await restore(entry)
            for item in outcome.items(entry, explain: explanation(for: entry, in: wanted)) {
                items.append(item)
                report?(item)
            }
        }
        return items
    }

    private enum Outcome {
        case restored(manifest: Bool, tags: [String])
        /// The registry lacks something the manifest refers to (a child, a layer, the config).
        case missingDependency(RegistryError)
        case failed(String)

        func items(_ entry: JournalEntry, explain: String? = nil) -> [ExecutionItem] {
            let repository = entry.repository
            switch self {
            case .restored(let manifest, let tags):
                return
                    (manifest
                    ? [ExecutionItem(repository: repository, target: .manifest(entry.digest), outcome: .restored)] : [])
                    + tags.map { ExecutionItem(repository: repository, target: .tag($0), outcome: .restored) }
            case .missingDependency(let error):
                return [
                    ExecutionItem(
                        repository: repository, target: .manifest(entry.digest),
                        outcome: .failed(error: explain ?? error.description))
                ]
            case .failed(let message):
                return [
                    ExecutionItem(
                        repository: repository, target: .manifest(entry.digest), outcome: .failed(error: message))
                ]
            }
        }
    }

    private func restore(_ entry: JournalEntry) async -> Outcome {
        guard entry.digest.matches(entry.manifest) else {
            return .failed("the journal's copy of this manifest is damaged (it does not hash to its digest)")
        }
        do {
            if entry.operation == .manifest {
                try await client.putManifest(
                    repository: entry.repository, reference: entry.digest.description, body: entry.manifest,
                    mediaType: entry.mediaType)
            }
            for tag in entry.tags {
                try await client.putManifest(
                    repository: entry.repository, reference: tag, body: entry.manifest, mediaType: entry.mediaType)
            }
            return .restored(manifest: entry.operation == .manifest, tags: entry.tags)
        } catch let error as RegistryError {
            let missing = error.details.contains {
                ["MANIFEST_BLOB_UNKNOWN", "BLOB_UNKNOWN", "MANIFEST_UNKNOWN"].contains($0.code)
            }
            return missing ? .missingDependency(error) : .failed(error.description)
        } catch {
            return .failed(SafeText.escape("\(error)"))
        }
    }

    /// Why an entry still cannot be put back after everything else was: a child or subject that
    /// neither the registry nor this journal has, or blobs that garbage collection removed.
    private func explanation(for entry: JournalEntry, in entries: [JournalEntry]) -> String {
        let journaled = Set(entries.filter { $0.repository == entry.repository }.map(\.digest))
        let dependencies = RestoreOrder.dependencies(of: entry)
        if let absent = dependencies.first(where: { !journaled.contains($0) }) {
            return "the registry refused it because \(absent.short), which it refers to, is missing "
                + "and not in this journal; restore that first (from its own journal), then run restore again"
        }
        if !dependencies.isEmpty {
            return "the registry refused it because a manifest it refers to could not be put back (see above)"
        }
        return "the registry no longer has this manifest's layers or config (garbage collection ran "
            + "after the deletion); it cannot be restored"
    }
}
