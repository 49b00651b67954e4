import Foundation
import RegistryClient

/// Renders what a run did: `Deleted …` lines, failures and skips with reasons, and the counts.
public enum ResultReport {
    /// One line per item, as `acr purge` prints them. Names are escaped: they came from a registry.
    public static func line(_ item: ExecutionItem, registry: String, restoring: Bool = false) -> String {
        let reference = SafeText.escape(item.reference(registry: registry))
        switch item.outcome {
        case .deleted: return "Deleted \(reference)"
        case .restored: return "Restored \(reference)"
        case .skipped(let reason): return "Skipped \(reference): \(SafeText.escape(reason))"
        case .failed(let error):
            return "Failed to \(restoring ? "restore" : "delete") \(reference): \(SafeText.escape(error))"
        case .notDone(let reason): return "Not done \(reference): \(SafeText.escape(reason))"
        }
    }

    /// The closing section on stderr when planned work was left undone: per repository what was
    /// not done and why, and the command that finishes it. Empty when nothing was left.
    ///
    /// - Parameters:
    ///   - unreadable: repositories that could not be listed (so nothing in them was planned).
    ///   - command: the command line to run again, with secrets already removed.
    public static func leftUndone(
        _ result: ExecutionResult?, unreadable: [String: String], command: String
    ) -> [String] {
        let left = result?.leftUndone ?? []
        guard !left.isEmpty || !unreadable.isEmpty || result?.interrupted == true else { return [] }
        var byRepository: [String: (tags: Int, manifests: Int, reason: String)] = [:]
        for item in left {
            var entry = byRepository[item.repository] ?? (0, 0, "")
            if item.isTag { entry.tags += 1 } else { entry.manifests += 1 }
            if entry.reason.isEmpty {
                switch item.outcome {
                case .failed(let error), .notDone(let error): entry.reason = error
                default: break
                }
            }
            byRepository[item.repository] = entry
        }
        let planned = result.map { $0.items.count } ?? 0
        var lines = [
            "Left undone: \(left.count) of \(planned) planned deletions\(unreadable.isEmpty ? "" : ", and \(unreadable.count) repositories not listed"):"
        ]
        for (repository, entry) in byRepository.sorted(by: { $0.key < $1.key }) {
            var counts: [String] = []
            if entry.tags > 0 { counts.append("\(entry.tags) \(entry.tags == 1 ? "tag" : "tags")") }
            if entry.manifests > 0 {
                counts.append("\(entry.manifests) \(entry.manifests == 1 ? "manifest" : "manifests")")
            }
            lines.append(
                "  \(SafeText.escape(repository)): \(counts.joined(separator: ", ")) (\(SafeText.escape(Self.firstLine(entry.reason))))"
            )
        }
        for (repository, reason) in unreadable.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(SafeText.escape(repository)): not listed (\(SafeText.escape(Self.firstLine(reason))))")
        }
        lines.append("To finish, run the same command again (what was done is not redone):")
        lines.append("  \(command)")
        return lines
    }

    private static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return line.count > 240 ? String(line.prefix(240)) + "…" : line
    }

    /// The closing counts (and failures and skips, when there were any).
    public static func summary(_ result: ExecutionResult) -> String {
        var lines = [""]
        if result.interrupted { lines.append("Interrupted: the rest of the plan was not carried out.") }
        if !result.skips.isEmpty { lines.append("Number of skipped items: \(result.skips.count)") }
        if !result.failures.isEmpty { lines.append("Number of failed deletions: \(result.failures.count)") }
        if !result.notDone.isEmpty { lines.append("Number of planned deletions not done: \(result.notDone.count)") }
        lines.append("Number of deleted tags: \(result.deletedTags.count)")
        lines.append("Number of deleted manifests: \(result.deletedManifests.count)")
        return lines.joined(separator: "\n")
    }

    /// `--output json` for a run.
    /// With `plan`, each item names the policy-file rule that planned it (`rule`), as the dry run's
    /// verdicts do; items no named rule decided have none.
    public static func json(_ result: ExecutionResult, plan: PurgePlan? = nil) throws -> String {
        struct Item: Encodable {
            var repository: String
            var tag: String?
            var digest: String?
            var outcome: String
            var detail: String?
            var rule: String?
        }
        struct Document: Encodable {
            var registry: String
            var dryRun = false
            var deletedTags: Int
            var deletedManifests: Int
            var failed: Int
            var notDone: Int
            var skipped: Int
            var interrupted: Bool
            var journal: String?
            var items: [Item]
        }
        var tagRules: [String: [String: String]] = [:]
        var manifestRules: [String: [Digest: String]] = [:]
        for repository in plan?.repositories ?? [] {
            for verdict in repository.tags where verdict.rule != nil {
                tagRules[repository.name, default: [:]][verdict.tag] = verdict.rule
            }
            for verdict in repository.manifests where verdict.rule != nil {
                manifestRules[repository.name, default: [:]][verdict.digest] = verdict.rule
            }
        }
        let items = result.items.map { item -> Item in
            var entry = Item(repository: item.repository, outcome: "deleted")
            switch item.target {
            case .tag(let value):
                entry.tag = value
                entry.rule = tagRules[item.repository]?[value]
            case .manifest(let value):
                entry.digest = value.description
                entry.rule = manifestRules[item.repository]?[value]
            }
            switch item.outcome {
            case .deleted: entry.outcome = "deleted"
            case .restored: entry.outcome = "restored"
            case .skipped(let reason): (entry.outcome, entry.detail) = ("skipped", reason)
            case .failed(let error): (entry.outcome, entry.detail) = ("failed", error)
            case .notDone(let reason): (entry.outcome, entry.detail) = ("not-done", reason)
            }
            return entry
        }
        return try PlanReport.encode(
            Document(
                registry: result.registry, deletedTags: result.deletedTags.count,
                deletedManifests: result.deletedManifests.count, failed: result.failures.count,
                notDone: result.notDone.count,
                skipped: result.skips.count, interrupted: result.interrupted, journal: result.journalPath, items: items)
        )
    }
}
