/// Per rule (and per repository), how many tags and manifests a plan deletes and keeps.
struct RuleTally {
    /// A row of the tables: one rule of the policy, the protect list, or nothing that decided.
    enum Row: Hashable {
        case rule(Int)
        case protect
        case noRule
    }

    struct Counts {
        var tagsDeleted = 0
        var tagsKept = 0
        var manifestsDeleted = 0
        var manifestsKept = 0
        var isEmpty: Bool { tagsDeleted + tagsKept + manifestsDeleted + manifestsKept == 0 }
    }

    let retention: RetentionPolicy
    let ruleIndex: [String: Int]
    var total: [Row: Counts] = [:]
    var perRepository: [String: [Row: Counts]] = [:]

    init(_ plan: PurgePlan) {
        retention = plan.retention
        var index: [String: Int] = [:]
        for (position, rule) in plan.retention.rules.enumerated() {
            if let name = rule.name, index[name] == nil { index[name] = position }
        }
        ruleIndex = index
        for repository in plan.repositories where repository.selected {
            var counts: [Row: Counts] = [:]
            for verdict in repository.tags {
                let row = row(of: verdict)
                if verdict.action == .delete {
                    counts[row, default: Counts()].tagsDeleted += 1
                } else {
                    counts[row, default: Counts()].tagsKept += 1
                }
            }
            for verdict in repository.manifests {
                let row = row(of: verdict)
                if verdict.action == .delete {
                    counts[row, default: Counts()].manifestsDeleted += 1
                } else {
                    counts[row, default: Counts()].manifestsKept += 1
                }
            }
            perRepository[repository.name] = counts
            for (row, count) in counts {
                total[row, default: Counts()].tagsDeleted += count.tagsDeleted
                total[row, default: Counts()].tagsKept += count.tagsKept
                total[row, default: Counts()].manifestsDeleted += count.manifestsDeleted
                total[row, default: Counts()].manifestsKept += count.manifestsKept
            }
        }
    }

    /// Every rule in policy order, then protect and "no rule" when anything landed there.
    var allRows: [Row] {
        retention.rules.indices.map(Row.rule) + [.protect, .noRule].filter { total[$0]?.isEmpty == false }
    }

    /// The flags' one rule is unnamed: what it decided has no rule name, but is still its doing.
    func row(of verdict: TagVerdict) -> Row {
        if let rule = verdict.rule { return ruleIndex[rule].map(Row.rule) ?? .noRule }
        switch verdict.reason {
        case .protected: return .protect
        case .notMatched, .markedByHand, .excludedByHand: return .noRule
        default: return retention.namesRules ? .noRule : .rule(0)
        }
    }

    func row(of verdict: ManifestVerdict) -> Row {
        if let rule = verdict.rule { return ruleIndex[rule].map(Row.rule) ?? .noRule }
        guard !retention.namesRules, !retention.rules.isEmpty else { return .noRule }
        switch verdict.reason {
        case .untagged, .subjectDeleted, .childOfDeletedIndex, .untaggedNotRequested, .keptNewest, .newerThanCutoff,
            .locked:
            return .rule(0)
        default: return .noRule
        }
    }

    func label(_ row: Row) -> String {
        switch row {
        case .rule(let index):
            let rule = retention.rules[index]
            let name = rule.name.map(MarkdownText.inline) ?? "(flags)"
            return rule.action == .keep ? "\(name) (keep)" : name
        case .protect: return "protect"
        case .noRule: return "(no rule)"
        }
    }

    func table(_ counts: [Row: Counts], rows: [Row]) -> [String] {
        var lines = [
            MarkdownText.row(["Rule", "Tags to delete", "Tags kept", "Manifests to delete", "Manifests kept"]),
            MarkdownText.row([":---", "---:", "---:", "---:", "---:"]),
        ]
        for row in rows {
            let count = counts[row] ?? Counts()
            lines.append(
                MarkdownText.row([
                    label(row), "\(count.tagsDeleted)", "\(count.tagsKept)", "\(count.manifestsDeleted)",
                    "\(count.manifestsKept)",
                ]))
        }
        return lines
    }
}
