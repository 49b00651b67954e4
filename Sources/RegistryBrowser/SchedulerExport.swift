import Purge

/// A policy file scheduled somewhere: a Kubernetes `CronJob`, a GitHub Actions workflow or a GitLab
/// CI pipeline, each running `regsweep purge --policy` on a schedule (and the CI ones a dry run for
/// the change request that edits the file). Pure text; `regsweep policy export` prints it.
///
/// Every value a user chose (paths, image, registry, schedule) is quoted for YAML, and for the
/// shell where a script runs it, so a path with spaces or quotes survives both.
public struct SchedulerExport: Sendable, Equatable {
    /// The policy file as the repository holds it (relative to its root), e.g. `retention.yaml`.
    public var policyPath: String
    /// The file's text, for the Kubernetes `ConfigMap`.
    public var policyText: String
    /// `-r` for every run; nil to use the file's `registry:`.
    public var registry: String?
    /// The file's `registry:`, for the instructions in comments.
    public var policyRegistry: String?
    /// The container image with `regsweep` on its `PATH`.
    public var image: String
    /// A five-field cron expression, in UTC.
    public var schedule: String
    /// The CronJob's name (the ConfigMap is `<name>-policy`), the workflow's name, the GitLab jobs'
    /// prefix and the group that keeps two purges from running at once.
    public var name: String
    /// The Kubernetes namespace; nil for the one `kubectl` is set to.
    public var namespace: String?
    /// The Kubernetes `kubernetes.io/dockerconfigjson` secret with the registry's credentials.
    public var secret: String
    /// Connection flags every run needs (`--plain-http`, `--ca-cert PATH`, `--concurrency N`), as words.
    public var connectionFlags: [String]

    public static let defaultImage = "ghcr.io/regsweep/regsweep:latest"
    /// Mondays at 01:00 UTC, like the other exports (in digits: every scheduler reads them).
    public static let defaultSchedule = "0 1 * * 1"
    public static let defaultName = "regsweep-purge"
    public static let defaultSecret = "regsweep-registry-credentials"
    /// How late a missed run may still start before the controller skips it (one hour).
    static let startingDeadlineSeconds = 3600
    /// Where the Kubernetes job mounts the policy, the Docker config and its state.
    static let policyFolder = "/policy"
    static let dockerFolder = "/docker"
    static let stateFolder = "/state"
    /// The file the CI dry runs write their Markdown plan to.
    static let planFile = "regsweep-plan.md"

    public init(
        policyPath: String, policyText: String, registry: String? = nil, policyRegistry: String? = nil,
        image: String = Self.defaultImage,
        schedule: String = Self.defaultSchedule, name: String = Self.defaultName, namespace: String? = nil,
        secret: String = Self.defaultSecret, connectionFlags: [String] = []
    ) {
        self.policyPath = policyPath
        self.policyText = policyText
        self.registry = registry
        self.policyRegistry = policyRegistry
        self.image = image
        self.schedule = schedule
        self.name = name
        self.namespace = namespace
        self.secret = secret
        self.connectionFlags = connectionFlags
    }

    /// The export in `format`. Check `problems(for:)` first: this writes whatever it is given.
    public func text(_ format: SchedulerFormat) -> String {
        let lines: [String]
        switch format {
        case .k8sCronJob: lines = kubernetes()
        case .githubActions: lines = githubActions()
        case .gitlabCI: lines = gitlabCI()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Kubernetes

    /// The `ConfigMap` key (and file name under `/policy`): the file's name, with every character
    /// a key may not hold (`[-._a-zA-Z0-9]`) made a `-`.
    public var configMapKey: String {
        let base = policyPath.split(separator: "/").last.map(String.init) ?? ""
        let key = String(
            base.map { character -> Character in
                character.isASCII && (character.isLetter || character.isNumber || "-._".contains(character))
                    ? character : "-"
            }.prefix(253))
        return key.isEmpty || key == "." || key == ".." ? "policy.yaml" : key
    }

    /// `regsweep purge --policy PATH [-r REGISTRY] [extra]` as words.
    /// `shell`: for a script line, where the connection flags' values (a CA path) are quoted; the
    /// policy path comes quoted already.
    func purgeWords(policy: String, extra: [String] = [], shell: Bool = false) -> [String] {
        let connection =
            shell ? connectionFlags.map { $0.hasPrefix("--") ? $0 : ShellQuoting.single($0) } : connectionFlags
        return ["regsweep", "purge", "--policy", policy] + (registry.map { ["-r", $0] } ?? []) + connection + extra
    }

    func kubernetes() -> [String] {
        let configMap = name + "-policy"
        let key = configMapKey
        let metadata = { (resource: String) -> [String] in
            ["metadata:", "  name: \(YAMLQuoting.scalar(resource))"]
                + (namespace.map { ["  namespace: \(YAMLQuoting.scalar($0))"] } ?? [])
                + ["  labels:", "    app.kubernetes.io/name: regsweep", "    app.kubernetes.io/component: purge"]
        }
        let server = registry ?? policyRegistry ?? "REGISTRY"
        var lines = [
            "# \(SchedulerFormat.k8sCronJob.title) running `regsweep purge --policy` on a schedule; generated by",
            "# `regsweep policy export \(comment(policyPath)) --format k8s-cronjob`. Apply: kubectl apply -f FILE",
            "# Credentials: a Docker config secret, mounted as $DOCKER_CONFIG/config.json (regsweep reads it",
            "# like docker does). Create it first:",
            "#   kubectl create secret docker-registry \(secret) --docker-server=\(comment(server)) \\",
            "#     --docker-username=USER --docker-password=PASSWORD"
                + (namespace.map { " --namespace \($0)" } ?? ""),
            "# The policy is the ConfigMap below; after editing the file, export again and apply.",
            "# Journals of each run's deletions go to \(Self.stateFolder) (an emptyDir); mount a volume there to keep",
            "# them for `regsweep restore`.",
            "apiVersion: v1",
            "kind: ConfigMap",
        ]
        lines += metadata(configMap)
        lines += ["data:"]
        let block = YAMLQuoting.block(policyText, indent: 4)
        lines.append("  \(YAMLQuoting.scalar(key)): " + (block.first ?? "''"))
        lines += block.dropFirst()
        lines += ["---", "apiVersion: batch/v1", "kind: CronJob"]
        lines += metadata(name)
        lines += [
            "spec:",
            "  schedule: \(YAMLQuoting.quoted(schedule))",
            "  timeZone: Etc/UTC",
            "  # One purge at a time: a run still going when the next is due makes the next one wait it out.",
            "  concurrencyPolicy: Forbid",
            "  startingDeadlineSeconds: \(Self.startingDeadlineSeconds)",
            "  successfulJobsHistoryLimit: 3",
            "  failedJobsHistoryLimit: 3",
            "  jobTemplate:",
            "    spec:",
            "      # A failed purge is not retried at once: the next scheduled run converges.",
            "      backoffLimit: 0",
            "      template:",
            "        metadata:",
            "          labels:",
            "            app.kubernetes.io/name: regsweep",
            "            app.kubernetes.io/component: purge",
            "        spec:",
            "          restartPolicy: Never",
            "          containers:",
            "            - name: regsweep",
            "              image: \(YAMLQuoting.scalar(image))",
            "              command:",
        ]
        lines += purgeWords(policy: Self.policyFolder + "/" + key).map { "                - \(YAMLQuoting.scalar($0))" }
        lines += [
            "              env:",
            "                - name: DOCKER_CONFIG",
            "                  value: \(Self.dockerFolder)",
            "                - name: XDG_STATE_HOME",
            "                  value: \(Self.stateFolder)",
            "                - name: XDG_CACHE_HOME",
            "                  value: \(Self.stateFolder)/cache",
            "              securityContext:",
            "                allowPrivilegeEscalation: false",
            "                readOnlyRootFilesystem: true",
            "              volumeMounts:",
            "                - name: policy",
            "                  mountPath: \(Self.policyFolder)",
            "                  readOnly: true",
            "                - name: docker-config",
            "                  mountPath: \(Self.dockerFolder)",
            "                  readOnly: true",
            "                - name: state",
            "                  mountPath: \(Self.stateFolder)",
            "          volumes:",
            "            - name: policy",
            "              configMap:",
            "                name: \(YAMLQuoting.scalar(configMap))",
            "            - name: docker-config",
            "              secret:",
            "                secretName: \(YAMLQuoting.scalar(secret))",
            "                items:",
            "                  - key: .dockerconfigjson",
            "                    path: config.json",
            "            - name: state",
            "              emptyDir: {}",
        ]
        return lines
    }

    // MARK: - GitHub Actions

    func githubActions() -> [String] {
        let policy = ShellQuoting.single(policyPath)
        let dryRun = purgeWords(policy: policy, extra: ["--dry-run", "--output", "markdown"], shell: true).joined(
            separator: " ")
        let container = ["    container:", "      image: \(YAMLQuoting.scalar(image))"]
        return [
            "# \(SchedulerFormat.githubActions.title) for the policy \(comment(policyPath)); generated by",
            "# `regsweep policy export --format github-actions`. Save it as .github/workflows/\(name).yml.",
            "# A pull request that changes the policy gets a dry run in its job summary; the schedule (UTC)",
            "# and a manual run (Actions > Run workflow) purge for real.",
            "# Credentials: repository secrets REGSWEEP_USERNAME and REGSWEEP_PASSWORD, which regsweep reads.",
            "# Pull requests from forks get no secrets: their dry run sees only what anonymous access shows.",
            "name: \(YAMLQuoting.scalar(name))",
            "on:",
            "  schedule:",
            "    - cron: \(YAMLQuoting.quoted(schedule))",
            "  workflow_dispatch:",
            "  pull_request:",
            "    paths:",
            "      - \(YAMLQuoting.quoted(Self.githubPathPattern(policyPath)))",
            "permissions:",
            "  contents: read",
            "env:",
            "  REGSWEEP_USERNAME: ${{ secrets.REGSWEEP_USERNAME }}",
            "  REGSWEEP_PASSWORD: ${{ secrets.REGSWEEP_PASSWORD }}",
            "jobs:",
            "  dry-run:",
            "    if: github.event_name == 'pull_request'",
            "    runs-on: ubuntu-latest",
            "    timeout-minutes: 30",
        ] + container + [
            "    steps:",
            "      - uses: actions/checkout@v4",
            "      - name: Check the policy",
            "        run: \(YAMLQuoting.scalar("regsweep policy check " + policy))",
            "      - name: Dry run into the job summary",
            "        run: |",
            "          \(dryRun) > \(Self.planFile)",
            "          cat \(Self.planFile) >> \"$GITHUB_STEP_SUMMARY\"",
            "  purge:",
            "    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
            "    runs-on: ubuntu-latest",
            "    timeout-minutes: 360",
            "    # One purge at a time; a second one waits instead of cancelling the first.",
            "    concurrency:",
            "      group: \(YAMLQuoting.scalar(name))",
            "      cancel-in-progress: false",
        ] + container + [
            "    steps:",
            "      - uses: actions/checkout@v4",
            "      - name: Purge by the policy",
            "        run: \(YAMLQuoting.scalar(purgeWords(policy: policy, shell: true).joined(separator: " ")))",
        ]
    }

    /// A path as a GitHub filter pattern: `*`, `?`, `+`, `[`, `]`, `!` and `\` escaped, so the
    /// pattern matches this one file.
    static func githubPathPattern(_ path: String) -> String {
        escapeGlob(path, special: "*?+[]!\\")
    }

    // MARK: - GitLab CI

    func gitlabCI() -> [String] {
        let policy = ShellQuoting.single(policyPath)
        let image = [
            "  image:", "    name: \(YAMLQuoting.scalar(self.image))",
            "    # The image's entrypoint would run regsweep itself; GitLab needs a shell to run script.",
            "    entrypoint: [\"\"]",
        ]
        let dryRun = purgeWords(policy: policy, extra: ["--dry-run", "--output", "markdown"], shell: true).joined(
            separator: " ")
        return [
            "# \(SchedulerFormat.gitlabCI.title) for the policy \(comment(policyPath)); generated by",
            "# `regsweep policy export --format gitlab-ci`. Add these jobs to .gitlab-ci.yml.",
            "# GitLab keeps schedules in the project, not in this file: Build > Pipeline schedules > New",
            "# schedule, interval pattern \(comment(schedule)), time zone UTC. \"Run pipeline\" purges at once.",
            "# A merge request that changes the policy gets a dry run: the job's log and the artifact \(Self.planFile).",
            "# Credentials: CI/CD variables REGSWEEP_USERNAME and REGSWEEP_PASSWORD (masked), which regsweep reads.",
            "\(YAMLQuoting.scalar(name + "-dry-run")):",
            "  stage: test",
        ] + image + [
            "  rules:",
            "    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\"'",
            "      changes:",
            "        - \(YAMLQuoting.quoted(Self.gitlabPathPattern(policyPath)))",
            "  script:",
            "    - \(YAMLQuoting.scalar("regsweep policy check " + policy))",
            "    - \(YAMLQuoting.scalar(dryRun + " > " + Self.planFile))",
            "    - \(YAMLQuoting.scalar("cat " + Self.planFile))",
            "  artifacts:",
            "    expose_as: regsweep plan",
            "    paths:",
            "      - \(Self.planFile)",
            "    when: always",
            "\(YAMLQuoting.scalar(name)):",
            "  stage: deploy",
        ] + image + [
            "  rules:",
            "    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'",
            "    - if: '$CI_PIPELINE_SOURCE == \"web\"'",
            "  # One purge at a time.",
            "  resource_group: \(YAMLQuoting.scalar(name))",
            "  script:",
            "    - \(YAMLQuoting.scalar(purgeWords(policy: policy, shell: true).joined(separator: " ")))",
        ]
    }

    /// A path as a GitLab `changes:` pattern (Ruby's `fnmatch` with braces): `*`, `?`, `[`, `]`,
    /// `{`, `}` and `\` escaped.
    static func gitlabPathPattern(_ path: String) -> String {
        escapeGlob(path, special: "*?[]{}\\")
    }

    // MARK: - Helpers

    static func escapeGlob(_ path: String, special: String) -> String {
        var result = ""
        for character in path {
            if special.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A value inside a `#` comment: on one line, whatever it holds.
    func comment(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            result.unicodeScalars.append(YAMLQuoting.needsEscape(scalar) ? "?" : scalar)
        }
        return result
    }
}
