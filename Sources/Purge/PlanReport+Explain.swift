import Foundation
import RegistryClient

extension PlanReport {
    /// Every verdict of one repository as a table: tags newest first, then manifests by digest,
    /// each with the rule that decided it and why, then the counts. For `policy explain`, where a
    /// reviewer checks a policy file against what a registry holds.
    public static func explanation(_ plan: PurgePlan, repository name: String) -> [String] {
        guard let repository = plan[name] else { return ["\(name): not in view"] }
        let namesRules = plan.retention.namesRules
        var lines = ["Repository \(name), planned at \(timestamp(plan.now)):"]
        let tagRows = repository.tags.map { verdict in
            [
                verdict.tag, verdict.action.rawValue, ruleColumn(verdict.rule, protected: verdict.reason),
                time(verdict.time), verdict.explanation(namesRules: namesRules),
            ]
        }
        lines.append("Tags, newest first:")
        lines += table(header: ["TAG", "VERDICT", "RULE", "TIME", "WHY"], rows: tagRows)
        let manifestRows = repository.manifests.map { verdict in
            [
                String(verdict.digest.description.prefix(19)), verdict.action.rawValue, verdict.rule ?? "-",
                verdict.tags.isEmpty ? "-" : verdict.tags.joined(separator: ","), verdict.explanation,
            ]
        }
        lines.append("Manifests:")
        lines += table(header: ["DIGEST", "VERDICT", "RULE", "TAGS", "WHY"], rows: manifestRows)
        lines.append(
            "\(repository.tagsToDelete.count) of \(repository.tags.count) tags and "
                + "\(repository.manifestsToDelete.count) of \(repository.manifests.count) manifests would be deleted.")
        return lines
    }

    /// The rule column: the rule's name, `protect` for a protected tag, `-` when nothing decided it.
    private static func ruleColumn(_ rule: String?, protected reason: TagReason) -> String {
        if let rule { return rule }
        if case .protected = reason { return "protect" }
        return "-"
    }

    private static func time(_ time: TagTime) -> String {
        guard let date = time.date else { return "unknown (\(time.source.rawValue))" }
        return "\(timestamp(date)) (\(time.source.rawValue))"
    }

    private static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withInternetDateTime])
    }

    /// Columns padded to their widest cell; the last column is not padded.
    private static func table(header: [String], rows: [[String]]) -> [String] {
        guard !rows.isEmpty else { return ["  (none)"] }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            return "  " + cells.joined(separator: "  ")
        }
    }
}
