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
    /// Each manifest and tag is reported for itself, so a tag that could not be put back does not
    /// hide that its manifest was.
    public func restore(
        entries: [JournalEntry], repositories: Set<String>? = nil, report: (@Sendable (ExecutionItem) -> Void)? = nil
    ) async -> [ExecutionItem] {
        let wanted = entries.filter { repositories?.contains($0.repository) ?? true }
        var items: [ExecutionItem] = []
        for entry in RestoreOrder.sorted(wanted) {
            for item in await restore(entry, among: wanted) {
                items.append(item)
                report?(item)
            }
        }
        return items
    }

    /// Puts one entry's manifest (for a manifest deletion) and then its tags back; stops at the
    /// first refusal, which is reported with its cause.
    private func restore(_ entry: JournalEntry, among entries: [JournalEntry]) async -> [ExecutionItem] {
        func item(_ target: ExecutionItem.Target, _ outcome: ExecutionItem.Outcome) -> ExecutionItem {
            ExecutionItem(repository: entry.repository, target: target, outcome: outcome)
        }
        guard entry.digest.matches(entry.manifest) else {
            return [
                item(
                    .manifest(entry.digest),
                    .failed(error: "the journal's copy of this manifest is damaged (it does not hash to its digest)"))
            ]
        }
        var done: [ExecutionItem] = []
        let steps: [(ExecutionItem.Target, String)] =
            (entry.operation == .manifest ? [(.manifest(entry.digest), entry.digest.description)] : [])
            + entry.tags.map { (.tag($0), $0) }
        for (target, reference) in steps {
            do {
                try await client.putManifest(
                    repository: entry.repository, reference: reference, body: entry.manifest, mediaType: entry.mediaType
                )
                done.append(item(target, .restored))
            } catch {
                let missing =
                    (error as? RegistryError)?.details.contains {
                        ["MANIFEST_BLOB_UNKNOWN", "BLOB_UNKNOWN", "MANIFEST_UNKNOWN"].contains($0.code)
                    } ?? false
                let message = missing ? explanation(for: entry, in: entries) : ErrorText.of(error)
                done.append(item(target, .failed(error: message)))
                break
            }
        }
        return done
    }

    /// Why the registry refused an entry for something missing: a child or subject that neither
    /// the registry nor this journal has (entries come in dependency order, so one that is in the
    /// journal was put back before, or failed before, with its own message), or blobs that garbage
    /// collection removed.
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
