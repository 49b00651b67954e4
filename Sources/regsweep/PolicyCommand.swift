import ArgumentParser
import Foundation
import PolicyYAML
import Purge
import RegistryClient

/// `regsweep policy`: check a retention policy file, and see what it decides for a repository.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check a retention policy file, explain its verdicts for a repository, or export it to a scheduler.",
        discussion: """
            A policy file holds several purge rules in YAML, tried in order: the first rule whose filters \
            select a tag decides it; protect wins over every rule; a tag no rule selects stays.

              registry: myregistry.azurecr.io        # optional; -r wins
              protect: ['.*:^latest$']
              rules:
                - name: releases
                  action: keep
                  filters: ['.*:^v[0-9]+\\.[0-9]+\\.[0-9]+$']
                - name: ci
                  filters: ['ci-.*:.*']
                  ago: 14d
                  keep: 10
                  untagged: true

            Run it with `regsweep purge --policy FILE --dry-run` first; schedule it with \
            `regsweep policy export FILE --format k8s-cronjob|github-actions|gitlab-ci`.
            """,
        subcommands: [Check.self, Explain.self, Export.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy file without contacting a registry.",
            discussion: """
                Prints one line saying what the file holds, or every problem as FILE:LINE:COLUMN: message \
                (exit 64). Filters and durations get the same checks as purge's flags.

                Example: regsweep policy check retention.yaml
                """)

        @Argument(help: "The policy file (YAML).") var file: String

        func run() async throws {
            Console.out(try PolicySource.load(file).summary)
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each tag and manifest of a repository with its verdict and the rule that decided it.",
            discussion: """
                Changes nothing. Tags are newest first, as purge orders them.

                Example: regsweep policy explain retention.yaml -r 127.0.0.1:5000 --repository my-app
                """)

        @Argument(help: "The policy file (YAML).") var file: String
        @Option(
            name: [.short, .customLong("registry")],
            help: "The registry: HOST[:PORT]; without it, the file's registry.")
        var registry: String?
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The repository, e.g. my-app.") var repository: String
        @Option(help: "text or json") var output: OutputFormat = .text

        func validate() throws {
            if let registry { _ = try connection.endpoint(registry) }
        }

        func run() async throws {
            let policy = try PolicySource.load(file)
            let registryName = try PolicySource.registry(commandLine: registry, file: policy)
            let repository = self.repository
            let now = Date()
            let inventory = try await connection.withClient(registry: registryName) { client in
                try await InventoryLoader(client: client, cache: .standard()).load(repositories: [repository])
            }
            if let reason = inventory.unreadable[repository] {
                Console.error("\(SafeText.escape(repository)): could not be listed: \(reason)")
                throw ExitCode.failure
            }
            let plan = Planner.plan(inventory: inventory, retention: policy.retention, now: now)
            switch output {
            case .text:
                Console.out("Policy \(policy.path) on \(plan.registry):")
                for line in PlanReport.explanation(plan, repository: repository) { Console.out(line) }
            case .json: Console.json(try PlanReport.json(plan))
            }
        }
    }
}
