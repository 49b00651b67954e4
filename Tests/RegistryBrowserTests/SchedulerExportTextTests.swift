import Purge
import Testing

@testable import RegistryBrowser

/// The scheduler exports as text: their shape, their quoting, and what they refuse. The CLI tests
/// validate the same exports with each tool's own schema.
@Suite struct SchedulerExportTextTests {
    static let policy = "registry: r.example\nrules:\n  - name: ci\n    filters: ['.*:^((?!prod|dev).)*$']\n"

    static func export(_ path: String = "retention.yaml", registry: String? = nil) -> SchedulerExport {
        SchedulerExport(policyPath: path, policyText: policy, registry: registry)
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func theCronJobMountsThePolicyAndTheDockerConfig() {
        let text = Self.export("policies/my policy.yaml", registry: "r.example:5000").text(.k8sCronJob)
        let lines = Self.lines(text)
        for expected in [
            "kind: ConfigMap", "  name: regsweep-purge-policy", "  my-policy.yaml: |", "    registry: r.example",
            "        filters: ['.*:^((?!prod|dev).)*$']", "---", "apiVersion: batch/v1", "kind: CronJob",
            "  schedule: '0 1 * * 1'", "  concurrencyPolicy: Forbid", "  startingDeadlineSeconds: 3600",
            "          restartPolicy: Never", "              image: 'ghcr.io/regsweep/regsweep:latest'",
            "                - name: DOCKER_CONFIG", "                  value: /docker",
            "                secretName: regsweep-registry-credentials", "                  - key: .dockerconfigjson",
            "                    path: config.json",
        ] {
            #expect(lines.contains(expected), "\(expected)\n\(text)")
        }
        let command = try? #require(lines.firstIndex(of: "              command:"))
        #expect(
            command.map { Array(lines[($0 + 1)...($0 + 6)]) } == [
                "                - regsweep", "                - purge", "                - '--policy'",
                "                - /policy/my-policy.yaml", "                - '-r'",
                "                - 'r.example:5000'",
            ])
        #expect(!text.contains("namespace:"))
        let namespaced = SchedulerExport(policyPath: "p.yaml", policyText: "a: b\n", namespace: "registry")
            .text(.k8sCronJob)
        #expect(Self.lines(namespaced).filter { $0 == "  namespace: registry" }.count == 2)
    }

    @Test func theWorkflowDryRunsPullRequestsAndPurgesOnSchedule() {
        let text = Self.export().text(.githubActions)
        let body = Self.lines(text).drop { $0.hasPrefix("#") }.joined(separator: "\n")
        #expect(
            body == """
                name: regsweep-purge
                on:
                  schedule:
                    - cron: '0 1 * * 1'
                  workflow_dispatch:
                  pull_request:
                    paths:
                      - 'retention.yaml'
                permissions:
                  contents: read
                env:
                  REGSWEEP_USERNAME: ${{ secrets.REGSWEEP_USERNAME }}
                  REGSWEEP_PASSWORD: ${{ secrets.REGSWEEP_PASSWORD }}
                jobs:
                  dry-run:
                    if: github.event_name == 'pull_request'
                    runs-on: ubuntu-latest
                    timeout-minutes: 30
                    container:
                      image: 'ghcr.io/regsweep/regsweep:latest'
                    steps:
                      - uses: actions/checkout@v4
                      - name: Check the policy
                        run: "regsweep policy check 'retention.yaml'"
                      - name: Dry run into the job summary
                        run: |
                          regsweep purge --policy 'retention.yaml' --dry-run --output markdown > regsweep-plan.md
                          cat regsweep-plan.md >> "$GITHUB_STEP_SUMMARY"
                  purge:
                    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
                    runs-on: ubuntu-latest
                    timeout-minutes: 360
                    # One purge at a time; a second one waits instead of cancelling the first.
                    concurrency:
                      group: regsweep-purge
                      cancel-in-progress: false
                    container:
                      image: 'ghcr.io/regsweep/regsweep:latest'
                    steps:
                      - uses: actions/checkout@v4
                      - name: Purge by the policy
                        run: "regsweep purge --policy 'retention.yaml'"

                """)
    }

    @Test func theGitLabJobsRunOnScheduleAndForMergeRequestsThatChangeThePolicy() {
        let lines = Self.lines(Self.export("ops/[prod] *.yaml", registry: "r.example").text(.gitlabCI))
        for expected in [
            "regsweep-purge-dry-run:", "    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\"'",
            "      changes:", #"        - 'ops/\[prod\] \*.yaml'"#,
            #"    - "regsweep purge --policy 'ops/[prod] *.yaml' -r r.example --dry-run --output markdown > regsweep-plan.md""#,
            "regsweep-purge:", "    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'", "  resource_group: regsweep-purge",
            #"    - "regsweep purge --policy 'ops/[prod] *.yaml' -r r.example""#, "    entrypoint: [\"\"]",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        #expect(lines.contains { $0.hasPrefix("#") && $0.contains("interval pattern 0 1 * * 1") })
    }

    @Test func pathsAreEscapedForGlobsAndTheShell() {
        #expect(SchedulerExport.githubPathPattern("a/[x]*?+!.yaml") == #"a/\[x\]\*\?\+\!.yaml"#)
        #expect(SchedulerExport.gitlabPathPattern("a/{x}[y]*.yaml") == #"a/\{x\}\[y\]\*.yaml"#)
        let text = Self.export("it's here.yaml").text(.githubActions)
        #expect(text.contains(#"run: "regsweep purge --policy 'it'\\''s here.yaml'""#), "\(text)")
        #expect(text.contains(#"      - "it's here.yaml""#))
    }

    @Test(arguments: [
        ("plain", "plain"), ("yes", "'yes'"), ("1.0", "'1.0'"), (".inf", "'.inf'"), ("a: b", "'a: b'"),
        ("#x", "'#x'"), ("it's", "\"it's\""), ("tab\there", "\"tab\\there\""), ("esc\u{1B}", "\"esc\\x1b\""),
        ("bidi\u{202E}", "\"bidi\\u202e\""), ("back\\slash'", "\"back\\\\slash'\""),
        (".*:^((?!prod|dev).)*$", "'.*:^((?!prod|dev).)*$'"), ("-r", "'-r'"), ("", "''"),
    ])
    func scalars(text: String, yaml: String) {
        #expect(YAMLQuoting.scalar(text) == yaml)
    }

    @Test func blocksKeepTheirTrailingNewlinesOrFallBackToQuotes() {
        #expect(YAMLQuoting.block("a\n  b\n", indent: 2) == ["|", "  a", "    b"])
        #expect(YAMLQuoting.block("a", indent: 2) == ["|-", "  a"])
        #expect(YAMLQuoting.block("a\n\n\n", indent: 2) == ["|+", "  a", "", ""])
        #expect(YAMLQuoting.block("a\n\nb\n", indent: 2) == ["|", "  a", "", "  b"])
        // A first line indented, a line of spaces, a tab or a control character: one quoted line.
        #expect(YAMLQuoting.block("  a\n", indent: 2) == ["\"  a\\n\""])
        #expect(YAMLQuoting.block("a\n   \nb", indent: 2) == ["\"a\\n   \\nb\""])
        #expect(YAMLQuoting.block("a:\tb\n", indent: 2) == ["\"a:\\tb\\n\""])
        #expect(YAMLQuoting.block("a\r\n", indent: 2) == ["\"a\\r\\n\""])
    }

    @Test func configMapKeysAreValidKeys() {
        #expect(Self.export("policies/retention.yaml").configMapKey == "retention.yaml")
        #expect(Self.export("my policy (prod).yml").configMapKey == "my-policy--prod-.yml")
        #expect(Self.export("..").configMapKey == "policy.yaml")
        #expect(Self.export("ünï.yaml").configMapKey == "-n-.yaml")
    }

    @Test func whatASchedulerCouldNotRunIsRefused() {
        #expect(Self.export().problems(for: .githubActions).isEmpty)
        #expect(Self.export("/abs/retention.yaml").problems(for: .k8sCronJob).isEmpty)
        #expect(Self.export("/abs/retention.yaml").problems(for: .githubActions).first?.contains("relative") == true)
        #expect(Self.export("../retention.yaml").problems(for: .gitlabCI).first?.contains("'..'") == true)
        #expect(Self.export("${{ x }}.yaml").problems(for: .githubActions).first?.contains("'$'") == true)
        var export = Self.export()
        export.schedule = "@daily"
        #expect(export.problems(for: .k8sCronJob).first?.contains("five cron fields") == true)
        export.schedule = "0 1 * * 1; rm -rf /"
        #expect(export.problems(for: .k8sCronJob).first?.contains("five cron fields") == true)
        export = Self.export()
        export.name = "Regsweep_Purge"
        export.secret = "bad secret"
        export.namespace = "-x"
        export.image = "two words"
        #expect(export.problems(for: .k8sCronJob).count == 4)
        #expect(export.problems(for: .githubActions).count == 2)
    }
}
