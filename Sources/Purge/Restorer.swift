import Foundation
import RegistryClient

/// Puts back what a journal says was deleted, while the registry still has the blobs (that is,
/// before its garbage collection ran).
public struct Restorer: Sendable {
    public let client: RegistryClient

    public init(client: RegistryClient) {
        self.client = client
    }

    /// Restores in reverse order of deletion, so index children come back before their index and
    /// subjects before their referrers. Reports each manifest and tag as it goes.
    public func restore(
        entries: [JournalEntry], repositories: Set<String>? = nil, report: (@Sendable (ExecutionItem) -> Void)? = nil
    ) async -> [ExecutionItem] {
        var items: [ExecutionItem] = []
        func record(_ repository: String, _ target: ExecutionItem.Target, _ outcome: ExecutionItem.Outcome) {
            let item = ExecutionItem(repository: repository, target: target, outcome: outcome)
            items.append(item)
            report?(item)
        }
        for entry in entries.reversed() where repositories?.contains(entry.repository) ?? true {
            guard entry.digest.matches(entry.manifest) else {
                record(
                    entry.repository, .manifest(entry.digest),
                    .failed(error: "the journal's copy of this manifest is damaged"))
                continue
            }
            do {
                if entry.operation == .manifest {
                    try await client.putManifest(
                        repository: entry.repository, reference: entry.digest.description, body: entry.manifest,
                        mediaType: entry.mediaType)
                    record(entry.repository, .manifest(entry.digest), .restored)
                }
                for tag in entry.tags {
                    try await client.putManifest(
                        repository: entry.repository, reference: tag, body: entry.manifest, mediaType: entry.mediaType)
                    record(entry.repository, .tag(tag), .restored)
                }
            } catch let error as RegistryError {
                let blobsGone = error.details.contains {
                    $0.code == "MANIFEST_BLOB_UNKNOWN" || $0.code == "BLOB_UNKNOWN"
                }
                let message =
                    blobsGone
                    ? "the registry no longer has this manifest's blobs (garbage collection ran); it cannot be restored"
                    : error.description
                record(entry.repository, .manifest(entry.digest), .failed(error: message))
            } catch {
                record(entry.repository, .manifest(entry.digest), .failed(error: "\(error)"))
            }
        }
        return items
    }
}
