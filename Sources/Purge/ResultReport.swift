import Foundation
import RegistryClient

/// Renders what a run did: `Deleted …` lines, failures and skips with reasons, and the counts.
public enum ResultReport {
    /// One line per item, as `acr purge` prints them.
    public static func line(_ item: ExecutionItem, registry: String) -> String {
        let reference = item.reference(registry: registry)
        switch item.outcome {
        case .deleted: return "Deleted \(reference)"
        case .restored: return "Restored \(reference)"
        case .skipped(let reason): return "Skipped \(reference): \(reason)"
        case .failed(let error): return "Failed to delete \(reference): \(error)"
        }
    }

    /// The closing counts (and failures and skips, when there were any).
    public static func summary(_ result: ExecutionResult) -> String {
        var lines = [""]
        if result.interrupted { lines.append("Interrupted: the rest of the plan was not carried out.") }
        if !result.skips.isEmpty { lines.append("Number of skipped items: \(result.skips.count)") }
        if !result.failures.isEmpty { lines.append("Number of failed deletions: \(result.failures.count)") }
        lines.append("Number of deleted tags: \(result.deletedTags.count)")
        lines.append("Number of deleted manifests: \(result.deletedManifests.count)")
        return lines.joined(separator: "\n")
    }

    /// `--output json` for a run.
    public static func json(_ result: ExecutionResult) throws -> String {
        struct Item: Encodable {
            var repository: String
            var tag: String?
            var digest: String?
            var outcome: String
            var detail: String?
        }
        struct Document: Encodable {
            var registry: String
            var dryRun = false
            var deletedTags: Int
            var deletedManifests: Int
            var failed: Int
            var skipped: Int
            var interrupted: Bool
            var journal: String?
            var items: [Item]
        }
        let items = result.items.map { item -> Item in
            var tag: String?
            var digest: String?
            switch item.target {
            case .tag(let value): tag = value
            case .manifest(let value): digest = value.description
            }
            switch item.outcome {
            case .deleted: return Item(repository: item.repository, tag: tag, digest: digest, outcome: "deleted")
            case .restored: return Item(repository: item.repository, tag: tag, digest: digest, outcome: "restored")
            case .skipped(let reason):
                return Item(repository: item.repository, tag: tag, digest: digest, outcome: "skipped", detail: reason)
            case .failed(let error):
                return Item(repository: item.repository, tag: tag, digest: digest, outcome: "failed", detail: error)
            }
        }
        return try PlanReport.encode(
            Document(
                registry: result.registry, deletedTags: result.deletedTags.count,
                deletedManifests: result.deletedManifests.count, failed: result.failures.count,
                skipped: result.skips.count, interrupted: result.interrupted, journal: result.journalPath, items: items)
        )
    }
}
