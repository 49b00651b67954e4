import Foundation
import RegistryTestSupport
import Testing

/// `regsweep policy export` through the real binary, each export checked by its tool's own schema
/// (check-jsonschema's GitHub and GitLab schemas, kubernetes-validate), read back by a YAML parser,
/// and its scripts run by a shell; and `purge --dry-run --output markdown` against a real registry.
@Suite struct SchedulerExportTests {
    /// A policy whose filter holds everything YAML and shells trip over: `'`, `|`, `*`, `$`, `#`.
    static let policy = """
        registry: registry.example:5000
        # keep what ships
        protect: ['.*:^latest$']
        rules:
          - name: ci
            filters: ['.*:^((?!prod|dev).)*$', "it's:#1"]
            ago: 14d
            keep: 10
            untagged: true

        """

    /// Paths as a repository holds them: plain, and one with a space, a quote and glob characters.
    static let paths = ["retention.yaml", "policies/it's [prod] *.yaml"]

    /// A folder standing in for a checked-out repository, with the policy at `path`.
    struct Checkout {
        let root: String
        let path: String

        init(path: String, text: String = SchedulerExportTests.policy) throws {
            root = FileManager.default.temporaryDirectory.path + "/regsweep-checkout-" + UUID().uuidString
            self.path = path
            let file = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        /// `regsweep ARGUMENTS` run from the checkout's root, as a user exports from a repository.
        func regsweep(_ arguments: [String]) async throws -> ProcessResult {
            try await ProcessRunner.run(
                "/bin/sh", ["-c", #"cd "$1" && shift && exec "$@""#, "sh", root, try CLI.binary()] + arguments,
                environment: ["PATH": "/usr/bin:/bin", "HOME": root, "LANG": "C.UTF-8"])
        }

        /// Writes `text` next to the checkout and returns its path.
        func write(_ name: String, _ text: String) throws -> String {
            let file = root + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            return file
        }

        /// Runs `script` with sh -e in the checkout, with a stand-in `regsweep` (a shell function, so
        /// no file is executed while another test's fork may hold it open) that records each call's
        /// arguments one per line (a call ends with `--`) and prints a plan.
        func runScript(
            _ script: String, environment: [String: String] = [:]
        ) async throws -> (ProcessResult, [[String]]) {
            let calls = root + "/.calls"
            try? FileManager.default.removeItem(atPath: calls)
            let fake =
                #"regsweep() { for word in "$@"; do printf '%s\n' "$word"; done >> "$CALLS"; echo -- >> "$CALLS"; echo '## plan'; }"#
            let result = try await ProcessRunner.run(
                "/bin/sh", ["-e", "-c", fake + "\n" + #"cd "$1" && eval "$2""#, "sh", root, script],
                environment: ["PATH": "/usr/bin:/bin", "CALLS": calls].merging(environment) { $1 })
            let text = (try? String(contentsOfFile: calls, encoding: .utf8)) ?? ""
            let words = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
            let split = words.split(separator: "--", omittingEmptySubsequences: true).map(Array.init)
            return (result, split)
        }
    }

    /// The one path a glob `pattern` matches when every special character in it is escaped with
    /// `\`; nil when one is not (the pattern would match other files too).
    static func literal(_ pattern: String, special: String) -> String? {
        var result = ""
        var escaped = false
        for character in pattern {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if special.contains(character) {
                return nil
            } else {
                result.append(character)
            }
        }
        return escaped ? nil : result
    }

    static func dictionary(_ value: Any?) throws -> [String: Any] {
        try #require(value as? [String: Any], "not a mapping: \(String(describing: value))")
    }

    @Test(arguments: paths)
    func theCronJobIsValidKubernetesAndCarriesThePolicyExactly(path: String) async throws {
        let checkout = try Checkout(path: path)
        defer { checkout.remove() }
        let export = try await checkout.regsweep([
            "policy", "export", path, "--format", "k8s-cronjob", "--namespace", "registry", "--schedule", "30 2 * * *",
        ])
        #expect(export.status == 0, "\(export.summary)")
        let file = try checkout.write("cronjob.yaml", export.stdoutText)
        let validation = try await Validators.run("kubernetes-validate", ["--strict", file])
        #expect(validation.status == 0, "\(validation.summary)\n\(export.stdoutText)")
        let report = validation.stdoutText + validation.stderrText
        #expect(report.contains("cronjob/regsweep-purge") && report.contains("configmap/regsweep-purge-policy"))

        for yaml11 in [false, true] {
            let documents = try await Validators.documents(file, yaml11: yaml11)
            #expect(documents.count == 2)
            let configMap = try Self.dictionary(documents.first)
            let data = try Self.dictionary(configMap["data"])
            let key = try #require(data.keys.first)
            #expect(key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) })
            #expect(data[key] as? String == Self.policy, "the ConfigMap holds the file byte for byte")

            let cronJob = try Self.dictionary(documents.last)
            let spec = try Self.dictionary(cronJob["spec"])
            #expect(spec["concurrencyPolicy"] as? String == "Forbid")
            #expect(spec["schedule"] as? String == "30 2 * * *")
            #expect((spec["startingDeadlineSeconds"] as? Int).map { $0 > 0 } == true)
            let job = try Self.dictionary(try Self.dictionary(spec["jobTemplate"])["spec"])
            let pod = try Self.dictionary(try Self.dictionary(job["template"])["spec"])
            #expect(pod["restartPolicy"] as? String == "Never")
            let container = try Self.dictionary((pod["containers"] as? [Any])?.first)
            #expect(container["command"] as? [String] == ["regsweep", "purge", "--policy", "/policy/" + key])
            let environment = (container["env"] as? [[String: String]]) ?? []
            let dockerConfig = try #require(environment.first { $0["name"] == "DOCKER_CONFIG" }?["value"])
            let mounts = (container["volumeMounts"] as? [[String: Any]]) ?? []
            let volumes = (pod["volumes"] as? [[String: Any]]) ?? []
            // $DOCKER_CONFIG/config.json is the secret's .dockerconfigjson; /policy is the ConfigMap.
            let credentials = try #require(mounts.first { $0["mountPath"] as? String == dockerConfig })
            let secretVolume = try #require(volumes.first { $0["name"] as? String == credentials["name"] as? String })
            let secret = try Self.dictionary(secretVolume["secret"])
            #expect(secret["secretName"] as? String == "regsweep-registry-credentials")
            #expect(secret["items"] as? [[String: String]] == [["key": ".dockerconfigjson", "path": "config.json"]])
            let policyMount = try #require(mounts.first { $0["mountPath"] as? String == "/policy" })
            let policyVolume = try #require(volumes.first { $0["name"] as? String == policyMount["name"] as? String })
            let metadata = try Self.dictionary(configMap["metadata"])
            #expect(try Self.dictionary(policyVolume["configMap"])["name"] as? String == metadata["name"] as? String)
            #expect(metadata["namespace"] as? String == "registry")
        }
    }

    @Test(arguments: paths)
    func theWorkflowIsValidAndDryRunsPullRequestsIntoTheSummary(path: String) async throws {
        let checkout = try Checkout(path: path)
        defer { checkout.remove() }
        let export = try await checkout.regsweep(["policy", "export", path, "--format", "github-actions"])
        #expect(export.status == 0, "\(export.summary)")
        let file = try checkout.write("workflow.yml", export.stdoutText)
        for schema in ["vendor.github-workflows", "custom.github-workflows-require-timeout"] {
            let validation = try await Validators.run("check-jsonschema", ["--builtin-schema", schema, file])
            #expect(validation.status == 0, "\(schema): \(validation.summary)\n\(export.stdoutText)")
        }

        let workflow = try Self.dictionary(try await Validators.documents(file).first)
        let on = try Self.dictionary(workflow["on"])
        #expect((on["schedule"] as? [[String: String]])?.first?["cron"] == "0 1 * * 1")
        #expect(on.keys.contains("workflow_dispatch"))
        let pattern = try #require((try Self.dictionary(on["pull_request"])["paths"] as? [String])?.first)
        // The filter pattern matches the file itself and nothing else: no special character unescaped.
        #expect(Self.literal(pattern, special: "*?+[]!") == path, "\(pattern)")
        let environment = try Self.dictionary(workflow["env"])
        #expect(environment["REGSWEEP_USERNAME"] as? String == "${{ secrets.REGSWEEP_USERNAME }}")
        #expect(environment["REGSWEEP_PASSWORD"] as? String == "${{ secrets.REGSWEEP_PASSWORD }}")

        let jobs = try Self.dictionary(workflow["jobs"])
        let dryRun = try Self.dictionary(jobs["dry-run"])
        let purge = try Self.dictionary(jobs["purge"])
        #expect(dryRun["if"] as? String == "github.event_name == 'pull_request'")
        #expect(purge["if"] as? String == "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'")
        func script(_ job: [String: Any]) -> String {
            ((job["steps"] as? [[String: String]]) ?? []).compactMap { $0["run"] }.joined(separator: "\n")
        }
        // The scripts, run by a shell, hand regsweep the path intact.
        let summary = checkout.root + "/summary.md"
        let (dryRunResult, dryRunCalls) = try await checkout.runScript(
            script(dryRun), environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(dryRunResult.status == 0, "\(dryRunResult.summary)")
        #expect(
            dryRunCalls == [
                ["policy", "check", path], ["purge", "--policy", path, "--dry-run", "--output", "markdown"],
            ])
        #expect(try String(contentsOfFile: summary, encoding: .utf8) == "## plan\n")
        let (purgeResult, purgeCalls) = try await checkout.runScript(script(purge))
        #expect(purgeResult.status == 0, "\(purgeResult.summary)")
        #expect(purgeCalls == [["purge", "--policy", path]])
    }

    @Test(arguments: paths)
    func theGitLabJobsAreValidAndRunOnScheduleOrForMergeRequests(path: String) async throws {
        let checkout = try Checkout(path: path)
        defer { checkout.remove() }
        let export = try await checkout.regsweep([
            "policy", "export", path, "--format", "gitlab-ci", "-r", "other.example", "--image",
            "registry.example/rs:1",
        ])
        #expect(export.status == 0, "\(export.summary)")
        let file = try checkout.write(".gitlab-ci.yml", export.stdoutText)
        let validation = try await Validators.run("check-jsonschema", ["--builtin-schema", "vendor.gitlab-ci", file])
        #expect(validation.status == 0, "\(validation.summary)\n\(export.stdoutText)")

        let pipeline = try Self.dictionary(try await Validators.documents(file).first)
        let dryRun = try Self.dictionary(pipeline["regsweep-purge-dry-run"])
        let purge = try Self.dictionary(pipeline["regsweep-purge"])
        let dryRunRules = (dryRun["rules"] as? [[String: Any]]) ?? []
        #expect(dryRunRules.first?["if"] as? String == #"$CI_PIPELINE_SOURCE == "merge_request_event""#)
        let changes = try #require((dryRunRules.first?["changes"] as? [String])?.first)
        #expect(Self.literal(changes, special: "*?[]{}") == path, "\(changes)")
        let purgeRules = ((purge["rules"] as? [[String: Any]]) ?? []).compactMap { $0["if"] as? String }
        #expect(purgeRules.contains(#"$CI_PIPELINE_SOURCE == "schedule""#))
        #expect(try Self.dictionary(purge["image"])["name"] as? String == "registry.example/rs:1")

        let (dryRunResult, dryRunCalls) = try await checkout.runScript(
            ((dryRun["script"] as? [String]) ?? []).joined(separator: "\n"))
        #expect(dryRunResult.status == 0, "\(dryRunResult.summary)")
        #expect(
            dryRunCalls == [
                ["policy", "check", path],
                ["purge", "--policy", path, "-r", "other.example", "--dry-run", "--output", "markdown"],
            ])
        #expect(try String(contentsOfFile: checkout.root + "/regsweep-plan.md", encoding: .utf8) == "## plan\n")
        let (purgeResult, purgeCalls) = try await checkout.runScript(
            ((purge["script"] as? [String]) ?? []).joined(separator: "\n"))
        #expect(purgeResult.status == 0, "\(purgeResult.summary)")
        #expect(purgeCalls == [["purge", "--policy", path, "-r", "other.example"]])
    }

    @Test func connectionFlagsReachEveryScheduledRun() async throws {
        let checkout = try Checkout(path: "retention.yaml")
        defer { checkout.remove() }
        let export = try await checkout.regsweep([
            "policy", "export", "retention.yaml", "--format", "gitlab-ci", "--ca-cert", "./certs/ca.pem",
            "--concurrency", "4",
        ])
        #expect(export.status == 0, "\(export.summary)")
        let file = try checkout.write("gitlab-ci.yml", export.stdoutText)
        let validation = try await Validators.run("check-jsonschema", ["--builtin-schema", "vendor.gitlab-ci", file])
        #expect(validation.status == 0, "\(validation.summary)\n\(export.stdoutText)")
        // The scheduled purge and the merge request's dry run both carry them.
        let runs = export.stdoutText.components(
            separatedBy: "--policy 'retention.yaml' --ca-cert 'certs/ca.pem' --concurrency '4'")
        #expect(runs.count == 3, "\(export.stdoutText)")
        let plain = try await checkout.regsweep([
            "policy", "export", "retention.yaml", "--format", "k8s-cronjob", "--plain-http",
        ])
        #expect(plain.status == 0, "\(plain.summary)")
        #expect(plain.stdoutText.contains("                - '--plain-http'"), "\(plain.stdoutText)")
        let caInCluster = try await checkout.regsweep([
            "policy", "export", "retention.yaml", "--format", "k8s-cronjob", "--ca-cert", "ca.pem",
        ])
        #expect(caInCluster.status == 64)
        #expect(caInCluster.stderrText.contains("build the CA into the image's trust store"), "\(caInCluster.summary)")
    }

    @Test func browseExportsAPolicyFilesScheduleAsPolicyExportDoes() async throws {
        let checkout = try Checkout(path: "retention.yaml")
        defer { checkout.remove() }
        for format in ["k8s-cronjob", "github-actions", "gitlab-ci"] {
            let browse = try await checkout.regsweep([
                "browse", "--policy", "retention.yaml", "--export", format, "--plain-http",
            ])
            let export = try await checkout.regsweep([
                "policy", "export", "retention.yaml", "--format", format, "--plain-http",
            ])
            #expect(browse.status == 0, "\(browse.summary)")
            #expect(browse.stdoutText == export.stdoutText)
            #expect(browse.stdoutText.contains("--plain-http"))
        }
        let noFile = try await checkout.regsweep(["browse", "-r", "r.example", "--export", "gitlab-ci"])
        #expect(noFile.status == 64)
        #expect(noFile.stderrText.contains("schedules a policy file: add --policy FILE"), "\(noFile.summary)")
        let oneFilter = try await checkout.regsweep(["browse", "--policy", "retention.yaml", "--export", "acr"])
        #expect(oneFilter.status == 64)
        #expect(oneFilter.stderrText.contains("a policy file is scheduled with --export k8s-cronjob"))
    }

    @Test func whatCannotBeScheduledIsRefused() async throws {
        let checkout = try Checkout(path: "retention.yaml", text: "rules:\n  - {name: a, filters: ['a:b'], ago: 0d}\n")
        defer { checkout.remove() }
        let noRegistry = try await checkout.regsweep(["policy", "export", "retention.yaml", "--format", "gitlab-ci"])
        #expect(noRegistry.status == 64)
        #expect(noRegistry.stderrText.contains("names no registry"), "\(noRegistry.summary)")
        let secret = try await checkout.regsweep([
            "policy", "export", "retention.yaml", "--format", "github-actions", "-r", "r.example", "--secret", "s",
        ])
        #expect(secret.status == 64)
        #expect(secret.stderrText.contains("--secret is for k8s-cronjob"), "\(secret.summary)")
        let absolute = try await checkout.regsweep([
            "policy", "export", checkout.root + "/retention.yaml", "--format", "github-actions", "-r", "r.example",
        ])
        #expect(absolute.status == 64)
        #expect(absolute.stderrText.contains("relative to the repository's root"), "\(absolute.summary)")
        let schedule = try await checkout.regsweep([
            "policy", "export", "retention.yaml", "--format", "k8s-cronjob", "-r", "r.example", "--schedule", "@daily",
        ])
        #expect(schedule.status == 64)
        #expect(schedule.stderrText.contains("five cron fields"), "\(schedule.summary)")
        let bad = try Checkout(path: "bad.yaml", text: "rules:\n  - name: a\n    filters: ['a:(']\n")
        defer { bad.remove() }
        let badPolicy = try await bad.regsweep(["policy", "export", "bad.yaml", "--format", "k8s-cronjob"])
        #expect(badPolicy.status == 64)
        #expect(badPolicy.stderrText.contains("bad.yaml:3:"), "\(badPolicy.summary)")
        #expect(badPolicy.stdout.isEmpty)
    }

    @Test func aMarkdownDryRunOfAPolicyAgainstARealRegistry() async throws {
        try await TestRegistry.with { registry in
            try await PolicyCLITests.seed(registry)
            let policy = try PolicyCLITests.writePolicy(registry: registry.host)
            defer { try? FileManager.default.removeItem(atPath: policy) }
            let run = try await PurgeCLI.run(["purge", "--policy", policy, "--dry-run", "--output", "markdown"])
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "## regsweep dry run on `\(registry.host)`")
            #expect(run.stdout.contains("**4 tags** and **2 manifests** would be deleted in 1 of 1 repository"))
            // The same verdicts as the text dry run (PolicyCLITests), per rule: releases keep two
            // tags; ci deletes two and keeps two (keep: 1, a fresh one); nightly deletes two and,
            // without untagged, leaves their manifests; protect keeps latest.
            for row in [
                "| releases (keep) | 0 | 2 | 0 | 0 |", "| ci | 2 | 2 | 2 | 0 |", "| nightly | 2 | 0 | 0 | 2 |",
                "| protect | 0 | 1 | 0 | 0 |",
            ] {
                #expect(lines.filter { $0 == row }.count == 2, "\(row) in the totals and for app:\n\(run.stdout)")
            }
            #expect(lines.contains("### `app`: 4 tags and 2 manifests to delete"))
            let items = lines.filter { $0.hasPrefix("| `app:") || $0.hasPrefix("| `app@sha256:") }
            #expect(
                items.map { $0.split(separator: "|").first.map(String.init) ?? "" }.prefix(4) == [
                    " `app:nightly-2` ", " `app:nightly-1` ", " `app:ci-2` ", " `app:ci-1` ",
                ])
            #expect(items.count == 6)
            #expect(items.allSatisfy { $0.contains(" | ci | ") || $0.contains(" | nightly | ") })
            #expect(try await registry.skopeoTags("app").count == 9, "a dry run deletes nothing")

            // The flags' one rule, too; and markdown is for dry runs only.
            let flags = try await PurgeCLI.run([
                "purge", "-r", registry.host, "--filter", "app:^ci-", "--ago", "1d", "--dry-run", "--output",
                "markdown",
            ])
            #expect(flags.status == 0, "\(flags.stderr)")
            #expect(flags.stdout.contains("| (flags) | 3 | 1 | 0 | 3 |"), "\(flags.stdout)")
            let real = try await PurgeCLI.run(["purge", "--policy", policy, "--output", "markdown"])
            #expect(real.status == 64)
            #expect(real.stderr.contains("--output markdown shows a plan for review: add --dry-run"), "\(real.stderr)")
            #expect(try await registry.skopeoTags("app").count == 9)
        }
    }

    @Test func ciCredentialsAsTheExportsPassThem() async throws {
        // The CronJob's $DOCKER_CONFIG folder, and the empty REGSWEEP_* GitHub passes a pull request
        // from a fork: an empty username is no username, so Docker's config answers.
        try await TestRegistry.with(.basic) { registry in
            try await registry.seedArticleScenario()
            let username = try #require(registry.username)
            let password = try #require(registry.password)
            try await CLI.with { cli in
                let folder = cli.home + "/mounted-secret"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let auth = Data("\(username):\(password)".utf8).base64EncodedString()
                try Data(#"{"auths":{"\#(registry.host)":{"auth":"\#(auth)"}}}"#.utf8).write(
                    to: URL(fileURLWithPath: folder + "/config.json"))
                let arguments = ["tag", "list", "-r", registry.host, "--repository", "my-app"]
                let mounted = try await cli.run(arguments, environment: ["DOCKER_CONFIG": folder])
                #expect(mounted.status == 0, "\(mounted.summary)")
                #expect(mounted.lines == CLIAuthTests.expectedLines(registry))
                let empty = try await cli.run(
                    arguments,
                    environment: ["DOCKER_CONFIG": folder, "REGSWEEP_USERNAME": "", "REGSWEEP_PASSWORD": ""])
                #expect(empty.status == 0, "\(empty.summary)")
                #expect(empty.lines == CLIAuthTests.expectedLines(registry))
                let unmounted = try await cli.run(arguments)
                #expect(unmounted.status != 0, "without the secret the registry refuses")
            }
        }
    }
}
