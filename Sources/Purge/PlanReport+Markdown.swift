import Foundation
import RegistryClient

extension PlanReport {
    /// How many items to delete each repository lists before "… and N more".
    public static let markdownItemLimit = 10
    /// How many repositories get a section of their own; the rest are counted.
    public static let markdownRepositoryLimit = 100

    /// `--output markdown` for a dry run: what a pull request comment or a CI job summary shows.
    /// Totals per rule, then per repository with deletions its counts per rule and the first
    /// `itemLimit` tags and manifests to delete, in GitHub-flavoured Markdown tables. Every name
    /// from the registry or the policy passes `MarkdownText`, so none can break a table.
    public static func markdown(
        _ plan: PurgePlan, itemLimit: Int = markdownItemLimit, repositoryLimit: Int = markdownRepositoryLimit
    ) -> String {
        let tally = RuleTally(plan)
        let selected = plan.repositories.filter(\.selected)
        let affected = plan.affectedRepositories
        var blocks: [[String]] = []
        blocks.append(["## regsweep dry run on \(MarkdownText.code(plan.registry))"])
        blocks.append([
            "**\(plural(plan.tagCount, "tag"))** and **\(plural(plan.manifestCount, "manifest"))** would be deleted "
                + "in \(affected.count) of \(plural(selected.count, "repository", plural: "repositories")) "
                + "the policy reaches. Nothing is deleted by a dry run; planned at \(RFC3339.format(plan.now))."
        ])
        blocks.append(tally.table(tally.total, rows: tally.allRows))
        let notes = notes(plan)
        if !notes.isEmpty { blocks.append(notes.map { "> " + MarkdownText.inline($0) }) }

        for repository in affected.prefix(repositoryLimit) {
            let name = MarkdownText.code(repository.name)
            blocks.append([
                "### \(name): \(plural(repository.tagsToDelete.count, "tag")) and "
                    + "\(plural(repository.manifestsToDelete.count, "manifest")) to delete"
            ])
            let counts = tally.perRepository[repository.name] ?? [:]
            blocks.append(tally.table(counts, rows: tally.allRows.filter { counts[$0]?.isEmpty == false }))
            let items = deletions(repository, namesRules: plan.retention.namesRules, tally: tally)
            var table = [
                MarkdownText.row(["To delete", "Rule", "Why"]), MarkdownText.row([":---", ":---", ":---"]),
            ]
            table += items.prefix(itemLimit).map { MarkdownText.row([$0.item, $0.rule, $0.why]) }
            blocks.append(table)
            if items.count > itemLimit { blocks.append(["… and \(items.count - itemLimit) more"]) }
        }
        if affected.count > repositoryLimit {
            blocks.append([
                "… and \(plural(affected.count - repositoryLimit, "more repository", plural: "more repositories")) "
                    + "with deletions (`--output json` lists every verdict)."
            ])
        }
        let untouched = selected.filter { $0.tagsToDelete.isEmpty && $0.manifestsToDelete.isEmpty }
        if !untouched.isEmpty {
            let names = untouched.prefix(20).map { MarkdownText.code($0.name) }.joined(separator: ", ")
            let more = untouched.count > 20 ? " and \(untouched.count - 20) more" : ""
            blocks.append([
                "Nothing to delete in \(plural(untouched.count, "repository", plural: "repositories")): \(names)\(more)."
            ])
        }
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    /// One row of a repository's list of deletions, as Markdown cells.
    private struct Deletion {
        var item: String
        var rule: String
        var why: String
    }

    private static func deletions(_ repository: RepositoryPlan, namesRules: Bool, tally: RuleTally) -> [Deletion] {
        let tags = repository.tagsToDelete.map { verdict in
            Deletion(
                item: MarkdownText.code(repository.name + ":" + verdict.tag),
                rule: tally.label(tally.row(of: verdict)),
                why: MarkdownText.inline(verdict.explanation(namesRules: namesRules)))
        }
        let manifests = repository.manifestsToDelete.map { verdict in
            Deletion(
                item: MarkdownText.code(repository.name + "@" + verdict.digest.description),
                rule: tally.label(tally.row(of: verdict)),
                why: MarkdownText.inline(verdict.explanation))
        }
        return tags + manifests
    }

    private static func plural(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }
}
