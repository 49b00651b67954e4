import ArgumentParser
import Foundation
import PolicyYAML
import RegistryBrowser
import RegistryClient

extension PolicyCommand {
    /// `regsweep policy export FILE --format …`: the policy scheduled in Kubernetes or a CI system.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a Kubernetes CronJob, a GitHub Actions workflow or a GitLab CI job that runs the policy.",
            discussion: """
                Each export runs `regsweep purge --policy FILE` on a schedule (cron, UTC). The CI ones also \
                run a dry run for each pull or merge request that changes FILE, with the plan as Markdown \
                (`--output markdown`) in the job summary, so a reviewer sees what the change would delete. \
                FILE is checked first (as `policy check` does).

                k8s-cronjob: a ConfigMap with the policy and a CronJob (concurrencyPolicy: Forbid) that \
                mounts it and a kubernetes.io/dockerconfigjson secret (--secret) as $DOCKER_CONFIG.
                github-actions: a workflow for .github/workflows/; credentials from the repository secrets \
                REGSWEEP_USERNAME and REGSWEEP_PASSWORD.
                gitlab-ci: jobs for .gitlab-ci.yml; the schedule itself is made in the project's pipeline \
                schedules; credentials from CI/CD variables REGSWEEP_USERNAME and REGSWEEP_PASSWORD.

                For the CI formats FILE is the path in the repository: run the export from its root.

                Examples:
                  regsweep policy export retention.yaml --format k8s-cronjob > cronjob.yaml
                  regsweep policy export retention.yaml --format k8s-cronjob \\
                    --namespace registry --image registry.example/regsweep:0.1.0
                  regsweep policy export retention.yaml --format github-actions \\
                    > .github/workflows/regsweep-purge.yml
                  regsweep policy export retention.yaml --format gitlab-ci \\
                    --schedule '30 2 * * *' >> .gitlab-ci.yml
                """)

        @Argument(help: "The policy file (YAML).") var file: String

        @Option(help: ArgumentHelp("The scheduler to export to.", valueName: "format"))
        var format: SchedulerFormat

        @Option(
            name: [.short, .customLong("registry")],
            help: "The registry each run purges: HOST[:PORT]. Without it, the file's registry.")
        var registry: String?

        @Option(help: ArgumentHelp("The image with regsweep in it.", valueName: "image"))
        var image: String = SchedulerExport.defaultImage

        @Option(help: ArgumentHelp("When to purge: five cron fields, in UTC.", valueName: "cron"))
        var schedule: String = SchedulerExport.defaultSchedule

        @Option(
            help: ArgumentHelp(
                "The CronJob's name, the workflow's, the GitLab job's; also the lock that keeps purges one at a time.",
                valueName: "name"))
        var name: String = SchedulerExport.defaultName

        @Option(help: ArgumentHelp("k8s-cronjob: the namespace of the CronJob and ConfigMap.", valueName: "namespace"))
        var namespace: String?

        @Option(
            help: ArgumentHelp(
                "k8s-cronjob: the docker-registry secret with the credentials (default: \(SchedulerExport.defaultSecret)).",
                valueName: "secret"))
        var secret: String?

        @Flag(
            name: .customLong("plain-http"),
            help: "Each run speaks plain HTTP to the registry (a registry without TLS on a private network).")
        var plainHTTP = false

        @Option(
            name: .customLong("ca-cert"),
            help: ArgumentHelp(
                "CI formats: a PEM file of CA certificates in the repository, for a registry with a private CA.",
                valueName: "path"))
        var caCert: String?

        @Option(help: ArgumentHelp("Requests in flight at once, for each run.", valueName: "n"))
        var concurrency: Int?

        /// The connection flags each scheduled run passes to `regsweep purge`.
        var connectionFlags: [String] {
            ConnectionOptions.scheduledFlags(plainHTTP: plainHTTP, caCert: caCert, concurrency: concurrency)
        }

        func validate() throws {
            if let concurrency, concurrency < 1 {
                throw ValidationError("--concurrency must be 1 or more (got \(concurrency))")
            }
            if plainHTTP, caCert != nil {
                throw ValidationError("--plain-http and --ca-cert exclude each other: plain HTTP has no certificates")
            }
            if let registry {
                do {
                    _ = try RegistryEndpoint.parse(registry, plainHTTP: false, hasCACertificate: false)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            if format != .k8sCronJob {
                let given = [namespace.map { _ in "--namespace" }, secret.map { _ in "--secret" }].compactMap { $0 }
                if !given.isEmpty {
                    throw ValidationError(
                        "\(given.joined(separator: " and ")) \(given.count == 1 ? "is" : "are") for k8s-cronjob; "
                            + "the \(format.title) takes its credentials from REGSWEEP_USERNAME and REGSWEEP_PASSWORD")
                }
            }
        }

        func run() async throws {
            let policy = try PolicySource.load(file)
            let export = SchedulerExport(
                policyPath: Self.repositoryPath(file), policyText: policy.text, registry: registry,
                policyRegistry: policy.registry,
                image: image,
                schedule: schedule, name: name, namespace: namespace, secret: secret ?? SchedulerExport.defaultSecret,
                connectionFlags: connectionFlags)
            try Self.print(export, format: format, policy: policy)
        }

        /// Prints the export after the checks a scheduled run would otherwise fail on every time.
        static func print(_ export: SchedulerExport, format: SchedulerFormat, policy: PolicyFile) throws {
            _ = try PolicySource.registry(commandLine: export.registry, file: policy)
            let problems = export.problems(for: format)
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
            Console.write(Console.safe(export.text(format)), to: STDOUT_FILENO)
        }

        /// `./retention.yaml` is `retention.yaml` in the repository.
        static func repositoryPath(_ path: String) -> String {
            var path = path
            while path.hasPrefix("./") { path.removeFirst(2) }
            return path
        }
    }
}

extension SchedulerFormat: ExpressibleByArgument {}
