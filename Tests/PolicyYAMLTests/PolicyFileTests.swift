import Foundation
import PolicyYAML
import Purge
import Testing

/// Reading policy files: the issue's shape, and every problem at its line and column.
@Suite struct PolicyFileTests {
    static let example = #"""
        registry: myregistry.azurecr.io        # optional; -r on the command line wins
        protect: ['.*:^latest$']               # never deleted, whatever a rule says
        rules:                                 # tried in order
          - name: releases
            action: keep                       # keep: the tags it selects stay
            filters: ['.*:^v[0-9]+\.[0-9]+\.[0-9]+$']
          - name: ci
            filters: ['ci-.*:.*']              # action defaults to delete
            ago: 14d
            keep: 10
            untagged: true
          - name: nightly
            filters: ['.*:^nightly-']
            ago: 3d
        """#

    /// The problems of `text`, as `LINE:COLUMN: message` lines.
    func problems(_ text: String) -> [String] {
        do {
            _ = try PolicyFile.parse(text, path: "p.yaml")
            return []
        } catch {
            return error.problems.map { "\($0.line ?? 0):\($0.column ?? 0): \($0.message)" }
        }
    }

    /// The one problem of `text`, failing the test when there is not exactly one.
    func problem(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let all = problems(text)
        #expect(all.count == 1, "\(all)", sourceLocation: sourceLocation)
        return all.first ?? ""
    }

    @Test func theIssuesExampleReadsAsThreeRulesInOrder() throws {
        let file = try PolicyFile.parse(Self.example, path: "retention.yaml")
        #expect(file.registry == "myregistry.azurecr.io")
        #expect(file.retention.protect.map(\.text) == [".*:^latest$"])
        let rules = file.retention.rules
        #expect(rules.map(\.name) == ["releases", "ci", "nightly"])
        #expect(rules.map(\.action) == [.keep, .delete, .delete])
        #expect(rules[0].policy.filters.map(\.text) == [#".*:^v[0-9]+\.[0-9]+\.[0-9]+$"#])
        #expect(rules[1].policy.ago == TimeInterval(14 * 86400))
        #expect(rules[1].policy.keep == 10)
        #expect(rules[1].policy.untagged)
        #expect(rules[2].policy.ago == TimeInterval(3 * 86400))
        #expect(!rules[2].policy.untagged)
        #expect(file.ruleLines == [4, 7, 12])
        #expect(
            file.summary
                == "retention.yaml: OK: 3 rules (releases keep, ci delete, nightly delete), 1 protect filter, "
                + "registry myregistry.azurecr.io")
    }

    @Test func aRuleIsBuiltByTheFlagsOwnValidation() throws {
        let file = try PolicyFile.parse(
            """
            rules:
              - name: gc
                untagged-only: true
                keep: 2
              - name: all
                filters: ['.*:.*']
                ago: 0d
                include-locked: true
            """)
        #expect(
            file.retention.rules[0].policy
                == (try PurgePolicy.parse(filters: [], ago: nil, keep: 2, untaggedOnly: true)))
        #expect(
            file.retention.rules[1].policy
                == (try PurgePolicy.parse(filters: [".*:.*"], ago: "0d", includeLocked: true))
        )
        #expect(file.registry == nil)
    }

    @Test func unknownKeysAreErrorsAtTheKeyWithASuggestion() {
        #expect(
            problem("registy: r.io\nrules: [{name: a, filters: ['a:b'], ago: 0d}]")
                == "1:1: the top level: unknown key 'registy'; did you mean registry? known keys: registry, protect, rules"
        )
        let inRule = problem(
            """
            rules:
              - name: ci
                filters: ['ci:.*']
                ago: 1d
                untagged_only: true
            """)
        #expect(inRule.hasPrefix("5:5: rule 'ci': unknown key 'untagged_only'; did you mean untagged-only?"))
    }

    @Test func aBadRegexPointsAtItsCharacterInTheFile() {
        // Line 3 is `    filters: ['ok:.*', 'ci-.*:v1.(']`; the tag regex `v1.(` never closes its group.
        let text = "rules:\n  - name: ci\n    filters: ['ok:.*', 'ci-.*:v1.(']\n    ago: 1d\n"
        let message = problem(text)
        #expect(message.contains("rule 'ci': invalid regular expression 'v1.(' in 'ci-.*:v1.('"))
        let line = "    filters: ['ok:.*', 'ci-.*:v1.(']"
        let column = message.split(separator: ":").dropFirst().first.flatMap { Int($0) }
        // The column lands inside the regex's text, past the quote and the repository part.
        let regexStart =
            line.distance(from: line.startIndex, to: line.range(of: "v1.(")?.lowerBound ?? line.endIndex) + 1
        #expect(message.hasPrefix("3:"))
        #expect((column ?? 0) >= regexStart && (column ?? 0) <= regexStart + 4, "\(message)")
    }

    @Test func aFilterWithoutASeparatorIsTheFlagsMessageInTheFilesWords() {
        #expect(
            problem("rules:\n  - name: a\n    filters: [my-app]\n    ago: 0d")
                == "3:15: rule 'a': filter 'my-app' has no ':' between repository and tag; \(PurgeFilter.expectedForm)")
        #expect(
            problem("protect: ['nocolon']\nrules:\n  - {name: a, filters: ['a:b'], ago: 0d}")
                .hasPrefix("1:11: the policy: protect 'nocolon' has no ':'"))
    }

    @Test func aBadDurationPointsAtTheFirstCharacterThatIsNot() {
        // `2days`: `2d` reads as two days, then `a` is no unit: column 10 + 2.
        #expect(
            problem("rules:\n  - name: ci\n    filters: ['a:b']\n    ago: 2days\n")
                == "4:12: rule 'ci': ago '2days' is not a duration (at column 3); \(AgoDuration.acceptedForms)")
        #expect(
            problem("rules:\n  - name: ci\n    filters: ['a:b']\n    ago: 60000d\n").contains("longer than 150 years"))
    }

    @Test(arguments: [
        ("keep: '10'", "4:11: rule 'ci': keep must be a whole number such as 10, not '10'"),
        ("keep: ten", "4:11: rule 'ci': keep must be a whole number such as 10, not 'ten'"),
        ("keep: -1", "4:11: rule 'ci': keep must be 0 or more (got -1)"),
        ("untagged: maybe", "4:15: rule 'ci': untagged must be true or false, not 'maybe'"),
        ("untagged: [true]", "4:15: rule 'ci': untagged must be true or false, not a list"),
        ("action: remove", "4:13: rule 'ci': action must be keep or delete (got 'remove')"),
        ("filters: ['c:d']", "4:5: rule 'ci': filters is given twice (also at line 3): keep one"),
    ])
    func wrongTypesSayWhatTheKeyTakes(line: String, expected: String) {
        #expect(problem("rules:\n  - name: ci\n    filters: ['a:b']\n    \(line)\n    ago: 1d\n") == expected)
    }

    @Test func filtersMustBeAListOfTexts() {
        #expect(
            problem("rules:\n  - name: ci\n    filters: 'ci:.*'\n    ago: 1d")
                == "3:14: rule 'ci': filters must be a list, e.g. filters: ['ci:.*']")
        #expect(
            problem("rules:\n  - name: ci\n    filters: [{a: b}]\n    ago: 1d")
                == "3:15: rule 'ci': each filters entry must be a 'REPO-REGEX:TAG-REGEX' text, not keys (a mapping)")
    }

    @Test func emptyAndMissingRulesAreErrors() {
        #expect(
            problem("rules: []")
                == "1:8: rules is empty: add at least one rule (a policy without rules would do nothing)")
        #expect(problem("registry: r.io").hasPrefix("1:1: the policy has no 'rules' key"))
        #expect(problem("").hasPrefix("1:1: the file is empty"))
        #expect(problem("# only a comment\n").hasPrefix("1:1: the file is empty"))
        #expect(problem("rules: {name: a}").hasPrefix("1:8: rules must be a list"))
        #expect(problem("- a\n- b").hasPrefix("1:1: the top level must be keys"))
        #expect(
            problem("rules:\n  - name: ci\n    filters: []\n    ago: 1d")
                == "3:14: rule 'ci': filters is empty: add at least one 'REPO-REGEX:TAG-REGEX'")
    }

    @Test func aRuleNeedsANameFiltersAndAnAgeAsPurgeDoes() {
        #expect(problem("rules:\n  - filters: ['a:b']\n    ago: 1d").hasPrefix("2:5: rule 1 has no name"))
        #expect(problem("rules:\n  - name: ci\n    ago: 1d").hasPrefix("2:5: rule 'ci' has no filters"))
        #expect(
            problem("rules:\n  - name: ci\n    filters: ['a:b']")
                == "2:5: rule 'ci' has no ago: add ago: 14d, say (ago: 0d ignores age)")
        #expect(
            problem(
                "rules:\n  - name: ci\n    filters: ['a:b']\n    ago: 0d\n    untagged: true\n    untagged-only: true")
                == "6:5: rule 'ci': untagged and untagged-only exclude each other: pick one")
        #expect(
            problem("rules:\n  - {name: ci, filters: ['a:b'], ago: 0d}\n  - {name: ci, filters: ['c:d'], ago: 0d}")
                .hasPrefix("3:12: rule name 'ci' is already used by the rule at line 2"))
        // Also when the second rule has a problem of its own: both are reported.
        #expect(
            problems("rules:\n  - {name: ci, filters: ['a:b'], ago: 0d}\n  - {name: ci, filters: ['c:d'], ago: 2x}")
                .map { String($0.prefix(5)) } == ["3:12:", "3:40:"])
    }

    @Test func aKeepRuleOnlySelects() {
        #expect(
            problem("rules:\n  - name: releases\n    action: keep\n    filters: ['.*:^v']\n    ago: 30d")
                == "5:5: rule 'releases': ago has no meaning in a keep rule, which keeps every tag its filters select: "
                + "remove it, or make this a delete rule")
        #expect(
            problem("rules:\n  - name: releases\n    action: keep").hasPrefix("2:5: rule 'releases' has no filters"))
    }

    @Test func everyProblemIsReportedInFileOrder() {
        let all = problems(
            """
            registry: r.io
            colour: blue
            rules:
              - name: ci
                filters: ['ci-[:.*']
                ago: 2weeks
              - name: nightly
                filters: ['.*:^nightly-']
                ago: 3d
                keep: lots
            """)
        #expect(all.map { String($0.prefix(4)) } == ["2:1:", "5:15", "6:11", "10:1"], "\(all)")
    }

    @Test func yamlSyntaxErrorsHaveTheirPosition() {
        let message = problem("rules:\n  - name: ci\n    filters: ['a:b'\n    ago: 1d\n")
        #expect(message.contains("YAML syntax"), "\(message)")
        #expect(message.hasPrefix("4:") || message.hasPrefix("3:"), "\(message)")
    }

    @Test func quotedValuesKeepColumnsRightPastEscapes() {
        // In single quotes '' is one quote: the filter `a'b:c:d` has its second ':' at column 6,
        // which is file column 22 on `    filters: ['a''b:c:d']` (the quote is at 15), not 21.
        #expect(problem("rules:\n  - name: ci\n    filters: ['a''b:c:d']\n    ago: 1d\n").hasPrefix("3:22:"))
        // In double quotes `\x31` is `1`: the value is `1dx`, and its `x` is file column 16.
        let escaped = problem("rules:\n  - name: ci\n    filters: ['a:b']\n    ago: \"\\x31dx\"\n")
        #expect(escaped.hasPrefix("4:16: rule 'ci': ago '1dx' is not a duration (at column 3)"), "\(escaped)")
        // Plain values need no walk.
        #expect(problem("rules:\n  - name: ci\n    filters: ['a:b']\n    ago: 1x\n").hasPrefix("4:11:"))
    }

    /// Every cut of a valid file, and the file with each character dropped, either reads or fails
    /// with positions inside the text: no crash, no position past the end.
    @Test func damagedFilesFailWithPositionsInsideTheText() {
        let text = Self.example
        let characters = Array(text)
        var variants: [String] = (0...characters.count).map { String(characters.prefix($0)) }
        variants += characters.indices.map { String(characters[..<$0] + characters[($0 + 1)...]) }
        for variant in variants {
            let lines = variant.split(separator: "\n", omittingEmptySubsequences: false)
            do {
                _ = try PolicyFile.parse(variant)
            } catch {
                #expect(!error.problems.isEmpty)
                for problem in error.problems {
                    let line = problem.line ?? 0
                    #expect((1...max(lines.count, 1)).contains(line), "\(problem) in \(variant.debugDescription)")
                    let width = lines.indices.contains(line - 1) ? lines[line - 1].count : 0
                    #expect(
                        (1...width + 1).contains(problem.column ?? 0), "\(problem) in \(variant.debugDescription)")
                }
            }
        }
    }

    @Test func aMissingFileSaysSoWithoutAPosition() {
        #expect(throws: PolicyFileError.self) { try PolicyFile.load(path: "/nonexistent/policy.yaml") }
        do {
            _ = try PolicyFile.load(path: "/nonexistent/policy.yaml")
        } catch {
            #expect(error.lines.count == 1)
            #expect(
                error.lines == [
                    "/nonexistent/policy.yaml: cannot read the policy file: there is no such file; check the path"
                ])
        }
    }

    @Test func mergeKeysShareSettingsAndTheRulesOwnKeysWin() throws {
        let file = try PolicyFile.parse(
            #"""
            x-ci-defaults: &ci            # x- keys are for anchors; nothing reads them
              ago: 14d
              keep: 10
              untagged: true
            rules:
              - <<: *ci
                name: ci
                filters: ['ci-.*:.*']
              - <<: *ci
                name: ci-fast
                filters: ['fast-.*:.*']
                keep: 2                   # wins over the anchor's 10
            """#)
        let rules = file.retention.rules
        #expect(rules.map(\.name) == ["ci", "ci-fast"])
        #expect(rules.map(\.policy.keep) == [10, 2])
        #expect(rules.allSatisfy { $0.policy.untagged && $0.policy.ago == 14 * 86400 })
    }

    @Test func aMergedKeyWithAProblemPointsAtTheAnchorAndOtherTopKeysStillFail() {
        let bad = problem(
            #"""
            x-defaults: &d
              ago: 14days
            rules:
              - <<: *d
                name: ci
                filters: ['ci-.*:.*']
            """#)
        #expect(bad.hasPrefix("2:"), "the problem is on the anchor's line: \(bad)")
        #expect(bad.contains("14days"), "\(bad)")
        let unknown = problem(
            #"""
            defaults: {ago: 1d}
            rules:
              - name: ci
                filters: ['ci-.*:.*']
                ago: 1d
            """#)
        #expect(unknown.contains("unknown key 'defaults'"), "\(unknown)")
    }
}
