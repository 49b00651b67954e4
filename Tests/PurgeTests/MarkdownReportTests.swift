import Foundation
import Purge
import RegistryClient
import Testing

/// `--output markdown`: per rule and repository, counts and the first deletions, in GFM tables
/// that hostile names cannot break.
@Suite struct MarkdownReportTests {
    let now = InventoryBuilder.day(27, month: 11, year: 2026)

    func rule(_ name: String?, _ filters: [String], keep: Int = 0, untagged: Bool = false) throws -> RetentionRule {
        RetentionRule(
            name: name, policy: try PurgePolicy.parse(filters: filters, ago: "0d", keep: keep, untagged: untagged))
    }

    /// The unescaped `|` of a table row: one more than its cells.
    static func columns(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for character in line {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                count += 1
            }
        }
        return count - 1
    }

    @Test func aPolicyPlanPerRuleAndRepository() throws {
        var builder = InventoryBuilder()
        builder.image("app", "v1", tags: ["v1.0.0"], created: InventoryBuilder.day(1))
        builder.image("app", "latest", tags: ["latest"], created: InventoryBuilder.day(1))
        for index in 1...12 {
            builder.image("app", "ci-\(index)", tags: ["ci-\(index)"], created: InventoryBuilder.day(index + 1))
        }
        builder.image("other", "x", tags: ["keepme"], created: InventoryBuilder.day(1))
        let retention = RetentionPolicy(
            protect: [try PurgeFilter(".*:^latest$", field: .protect)],
            rules: [
                RetentionRule.keep("releases", filters: [try PurgeFilter(".*:^v")]),
                try rule("ci", [".*:^ci-"], keep: 1, untagged: true),
            ])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        let text = PlanReport.markdown(plan)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "## regsweep dry run on `example.io`")
        #expect(text.contains("**11 tags** and **11 manifests** would be deleted in 1 of 2 repositories"))
        // Totals: every rule in order, then protect and what no rule selected.
        let header = "| Rule | Tags to delete | Tags kept | Manifests to delete | Manifests kept |"
        let total = try #require(lines.firstIndex(of: header))
        #expect(
            Array(lines[(total + 2)...(total + 5)]) == [
                "| releases (keep) | 0 | 1 | 0 | 0 |",
                "| ci | 11 | 1 | 11 | 0 |",
                "| protect | 0 | 1 | 0 | 0 |",
                "| (no rule) | 0 | 1 | 0 | 4 |",
            ])
        #expect(text.contains("### `app`: 11 tags and 11 manifests to delete"))
        // Ten items, newest first, then the rest counted.
        let items = lines.filter { $0.hasPrefix("| `app:ci-") || $0.hasPrefix("| `app@sha256:") }
        #expect(items.count == 10)
        #expect(items.first?.hasPrefix("| `app:ci-11` | ci | deleted by rule 'ci': matches .\\*:^ci- ") == true)
        #expect(lines.contains("… and 12 more"))
        #expect(text.contains("Nothing to delete in 1 repository: `other`."))
        // Every table row has the columns of its header.
        for line in lines where line.hasPrefix("|") {
            #expect([3, 5].contains(Self.columns(line)), "\(line)")
        }
    }

    @Test func theFlagsRuleIsUnnamed() throws {
        var builder = InventoryBuilder()
        builder.image("app", "a", tags: ["old"], created: InventoryBuilder.day(1))
        builder.image("app", "b", tags: ["prod"], created: InventoryBuilder.day(2))
        let policy = try PurgePolicy.parse(filters: ["app:^((?!prod|dev).)*$"], ago: "0d", untagged: true)
        let plan = Planner.plan(inventory: builder.inventory, policy: policy, now: now)
        let text = PlanReport.markdown(plan)
        #expect(text.contains("| (flags) | 1 | 0 | 1 | 0 |"), "\(text)")
        #expect(text.contains("| (no rule) | 0 | 1 | 0 | 1 |"), "\(text)")
        // The filter's `|`, `*` and `$` are escaped, so the table keeps its three columns.
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("| `app:old`") })
        #expect(row.contains(#"matches app:^((?!prod\|dev).)\*\$ and is old enough"#), "\(row)")
        #expect(Self.columns(String(row)) == 3)
    }

    @Test func hostileNamesCannotBreakTheTables() throws {
        let hostile = [
            "a|b", "tick`s", "esc\u{1B}[2J", "new\nline", "**bold**", "<img src=x>", "$x$", "@admin", "#1",
            "back\\|slash",
            "\u{202E}evil",
        ]
        var builder = InventoryBuilder()
        for (index, tag) in hostile.enumerated() {
            builder.image("r|`e\u{07}po", "m\(index)", tags: [tag], created: InventoryBuilder.day(1))
        }
        let retention = RetentionPolicy(rules: [try rule("rule | with `code` and *stars*", [".*:.*"])])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        let text = PlanReport.markdown(plan, itemLimit: 20)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!text.contains("\u{202E}"))
        #expect(!text.contains("\u{1B}"))
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            #expect([3, 5].contains(Self.columns(String(line))), "\(line)")
        }
        // Names that are not plain registry names are escaped text, not code spans.
        #expect(text.contains(#"r\|\`e\\x07po:a\|b"#), "\(text)")
        #expect(text.contains(#"r\|\`e\\x07po:esc\\x1b\[2J"#))
        #expect(text.contains(#"r\|\`e\\x07po:new\\x0aline"#))
        #expect(text.contains(#"r\|\`e\\x07po:\*\*bold\*\*"#))
        #expect(text.contains(#"r\|\`e\\x07po:\<img src=x\>"#))
        #expect(text.contains(#"r\|\`e\\x07po:\$x\$"#))
        #expect(text.contains(#"r\|\`e\\x07po:\@admin"#))
        #expect(text.contains(#"r\|\`e\\x07po:back\\\|slash"#))
        #expect(text.contains(#"r\|\`e\\x07po:\\u{202e}evil"#))
        #expect(text.contains(#"| rule \| with \`code\` and \*stars\* | 11 | 0 | 0 | 11 |"#), "\(text)")
    }

    @Test func anEmptyPlanSaysSo() throws {
        var builder = InventoryBuilder()
        builder.image("app", "a", tags: ["new"], created: now)
        let young = try PurgePolicy.parse(filters: ["app:.*"], ago: "1d")
        let retention = RetentionPolicy(rules: [RetentionRule(name: "ci", policy: young)])
        let plan = Planner.plan(inventory: builder.inventory, retention: retention, now: now)
        let text = PlanReport.markdown(plan)
        #expect(text.contains("**0 tags** and **0 manifests** would be deleted in 0 of 1 repository"))
        #expect(!text.contains("###"))
        #expect(text.contains("Nothing to delete in 1 repository: `app`."))
    }
}
