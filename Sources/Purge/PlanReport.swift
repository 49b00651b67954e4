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
        let selected = plan.repositories.filter(\.selected)
        if plan.retention.deletesManifests, selected.contains(where: { !$0.untaggedVisible }) {
            notes.append(
                "Note: this registry lists manifests only through tags; manifests that were already untagged are not in view and are not deleted."
            )
        }
        if let note = lockNote(plan) { notes.append(note) }
        return notes
    }

    /// What stays because it is locked (ACR) and would otherwise go; nil when nothing is.
    public static func lockNote(_ plan: PurgePlan) -> String? {
        let selected = plan.repositories.filter(\.selected)
        let lockedTags = selected.reduce(0) { $0 + $1.tags.filter { $0.reason == .locked }.count }
        let lockedManifests = selected.reduce(0) { $0 + $1.manifests.filter { $0.reason == .locked }.count }
        guard lockedTags + lockedManifests > 0 else { return nil }
        let what = [
            lockedTags > 0 ? (lockedTags == 1 ? "1 locked tag" : "\(lockedTags) locked tags") : nil,
            lockedManifests > 0
                ? (lockedManifests == 1 ? "1 locked manifest" : "\(lockedManifests) locked manifests") : nil,
        ].compactMap { $0 }.joined(separator: " and ")
        return "Note: \(what) would otherwise be deleted and stay; --include-locked unlocks and deletes them."
    }

    /// Per rule of a policy file, what it deletes and keeps: one line each, for stderr under the
    /// plan (the plan itself keeps `acr purge`'s format). Empty for the flags' one rule.
    public static func ruleSummary(_ plan: PurgePlan) -> [String] {
        guard plan.retention.namesRules else { return [] }
        struct Counts {
            var deletedTags = 0
            var keptTags = 0
            var deletedManifests = 0
        }
        var counts: [String: Counts] = [:]
        var protected = 0
        var unselected = 0
        for repository in plan.repositories {
            for verdict in repository.tags {
                switch (verdict.rule, verdict.action) {
                case (let rule?, .delete): counts[rule, default: Counts()].deletedTags += 1
                case (let rule?, .keep): counts[rule, default: Counts()].keptTags += 1
                case (nil, _):
                    if case .protected = verdict.reason { protected += 1 }
                    if case .notMatched = verdict.reason { unselected += 1 }
                }
            }
            for verdict in repository.manifests where verdict.action == .delete {
                if let rule = verdict.rule { counts[rule, default: Counts()].deletedManifests += 1 }
            }
        }
        var lines = ["Per rule, in order, as planned:"]
        for rule in plan.retention.rules {
            let name = rule.name ?? "(unnamed)"
            let count = counts[name] ?? Counts()
            switch rule.action {
            case .keep: lines.append("  \(name): keeps \(plural(count.keptTags, "tag"))")
            case .delete:
                lines.append(
                    "  \(name): deletes \(plural(count.deletedTags, "tag")) and \(plural(count.deletedManifests, "manifest")), "
                        + "keeps \(plural(count.keptTags, "tag"))")
            }
        }
        lines.append("  protect keeps \(plural(protected, "tag")); no rule selects \(plural(unselected, "tag"))")
        return lines
    }

    private static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

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
        /// The policy-file rule that decided it (absent for the flags' one rule).
        var rule: String?
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
        var rule: String?
    }
    /// A policy-file rule and the cutoff it plans with.
    struct Rule: Encodable {
        var name: String?
        var action: String
        var cutoff: Date?
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
    /// Only for a policy file: its rules, in order.
    var rules: [Rule]?
    var repositories: [Repository]

    init(_ plan: PurgePlan) {
        registry = plan.registry
        now = plan.now
        cutoff = plan.cutoff
        let namesRules = plan.retention.namesRules
        if namesRules {
            rules = zip(plan.retention.rules, plan.ruleCutoffs()).map {
                Rule(name: $0.name, action: $0.action.rawValue, cutoff: $1)
            }
        }
        tagsToDelete = plan.tagCount
        manifestsToDelete = plan.manifestCount
        bytesFreed = plan.bytesFreed
        repositories = plan.repositories.map { repository in
            Repository(
                name: repository.name, selected: repository.selected,
                tags: repository.tags.map {
                    Tag(
                        tag: $0.tag, digest: $0.digest.description, action: $0.action.rawValue, reason: $0.reason.label,
                        detail: $0.explanation(namesRules: namesRules), rule: $0.rule, time: $0.time.date,
                        timeSource: $0.time.source.rawValue)
                },
                manifests: repository.manifests.map {
                    Manifest(
                        digest: $0.digest.description, kind: $0.kind.rawValue, tags: $0.tags,
                        action: $0.action.rawValue,
                        reason: $0.reason.label, detail: $0.explanation, rule: $0.rule)
                }, referrerTagsDeleted: repository.referrerTagsDeleted)
        }
    }
}
