import Foundation
import RegistryClient

/// Renders plans and results as `acr purge` does, and as JSON.
public enum PlanReport {
    public static let dryRunBanner =
        "DRY RUN: The following output shows what WOULD be deleted if the purge command was executed. Nothing is deleted."

    /// The dry-run text, in the article's format: repositories by name, tags newest first,
    /// manifests by digest, a header only when its list is non-empty, then the two counts.
    public static func dryRunText(_ plan: PurgePlan) -> String {
        var lines = [dryRunBanner]
        for repository in plan.affectedRepositories {
            let tags = repository.tagsToDelete
            if !tags.isEmpty {
                lines.append("This repository would be deleted: \(repository.name)")
                lines += tags.map { "\(plan.registry)/\(repository.name):\($0.tag)" }
            }
            let manifests = repository.manifestsToDelete
            if !manifests.isEmpty {
                lines.append("Manifests for this repository would be deleted: \(repository.name)")
                lines += manifests.map { "\(plan.registry)/\(repository.name)@\($0.digest)" }
            }
        }
        lines.append("")
        lines.append("Number of tags to be deleted: \(plan.tagCount)")
        lines.append("Number of manifests to be deleted: \(plan.manifestCount)")
        return lines.joined(separator: "\n")
    }

    /// Notes that belong under a plan: what a generic registry cannot show.
    public static func notes(_ plan: PurgePlan) -> [String] {
        var notes: [String] = []
        if plan.policy.untaggedOnly || plan.policy.untagged {
            notes.append(
                "Note: this registry lists manifests only through tags; manifests that were already untagged are not in view and are not deleted."
            )
        }
        return notes
    }

    /// `--output json` for a plan: every verdict with its reason.
    public static func json(_ plan: PurgePlan) throws -> String {
        try encode(PlanDocument(plan))
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A human size: 1.2 MB.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}

/// The JSON shape of a plan.
struct PlanDocument: Encodable {
    struct Tag: Encodable {
        var tag: String
        var digest: String
        var action: String
        var reason: String
        var detail: String
        var time: Date?
        var timeSource: String
    }
    struct Manifest: Encodable {
        var digest: String
        var kind: String
        var tags: [String]
        var action: String
        var reason: String
        var detail: String
    }
    struct Repository: Encodable {
        var name: String
        var selected: Bool
        var tags: [Tag]
        var manifests: [Manifest]
        var referrerTagsDeleted: [String]
    }
    var registry: String
    var dryRun = true
    var now: Date
    var cutoff: Date?
    var tagsToDelete: Int
    var manifestsToDelete: Int
    var bytesFreed: Int64
    var repositories: [Repository]

    init(_ plan: PurgePlan) {
        registry = plan.registry
        now = plan.now
        cutoff = plan.cutoff
        tagsToDelete = plan.tagCount
        manifestsToDelete = plan.manifestCount
        bytesFreed = plan.bytesFreed
        repositories = plan.repositories.map { repository in
            Repository(
                name: repository.name, selected: repository.selected,
                tags: repository.tags.map {
                    Tag(
                        tag: $0.tag, digest: $0.digest.description, action: $0.action.rawValue, reason: $0.reason.label,
                        detail: $0.reason.explanation, time: $0.time.date, timeSource: $0.time.source.rawValue)
                },
                manifests: repository.manifests.map {
                    Manifest(
                        digest: $0.digest.description, kind: $0.kind.rawValue, tags: $0.tags,
                        action: $0.action.rawValue,
                        reason: $0.reason.label, detail: $0.reason.explanation)
                }, referrerTagsDeleted: repository.referrerTagsDeleted)
        }
    }
}
