import ArgumentParser
import Foundation
import PolicyYAML
import Purge
import RegistryClient

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete tags (and with --untagged, manifests) that match filters and are old enough.",
        discussion: """
            Flags and output follow Azure's `acr purge`, on any OCI registry. Always try --dry-run first.

            Examples (from the acr purge article):
              regsweep purge -r R --filter 'another-app:2.0.0' --ago 0d --dry-run
              regsweep purge -r R --filter 'my-app:^((?!prod|dev).)*$' --untagged --ago 0d --dry-run
              regsweep purge -r R --filter '.*:^((?!prod|dev).)*$' --untagged --ago 30d
              regsweep purge -r R --filter 'my-app:.*' --keep 3 --untagged --ago 0d --dry-run
              regsweep purge --policy retention.yaml --dry-run
              regsweep purge --policy retention.yaml --dry-run --output markdown >> summary.md

            A policy file (--policy) holds several rules, tried in order: the first rule whose filters \
            select a tag decides it, protect wins over every rule, a tag no rule selects stays. It takes \
            the place of --filter, --ago, --keep, --untagged, --untagged-only, --include-locked and \
            --protect (mixing them is refused); -r wins over the file's registry. Check a file with \
            `regsweep policy check FILE`; see each tag's rule with `regsweep policy explain`; schedule it \
            with `regsweep policy export`.

            --output markdown (dry runs only) prints the plan as GitHub-flavoured Markdown: per rule and per \
            repository the tags and manifests to delete and kept, and the first 10 deletions of each \
            repository — what a pull request comment or a CI job summary shows.

            Safety: right before deleting, each repository is re-read. A tag that moved since the plan is \
            skipped; a manifest that a surviving tag now points to is spared. Other tags of a manifest are \
            never removed along with one tag. Every deletion is first written to a journal; `regsweep \
            restore JOURNAL` puts it back while the registry still has the blobs (before garbage collection).

            Exit status: 0 when everything planned was done (or skipped for a safety reason: a tag that moved, a manifest a surviving tag needs); 1 when anything planned was not done because of an error, or a repository could not be listed — stderr then ends with "Left undone:", per repository, and the command that finishes the job (running the same purge again converges); 130 when interrupted (Ctrl-C stops after the deletions in flight); 64 for bad input.
            """)

    @Option(
        name: [.short, .customLong("registry")],
        help: "The registry: HOST[:PORT]. Required unless the --policy file names one (-r wins over it).")
    var registry: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A retention policy file (YAML): several rules, one plan. Not with --filter, --ago and the other policy flags.",
            valueName: "file"))
    var policyFile: String?

    @Flag(name: .customLong("dry-run"), help: "Print the plan and change nothing.")
    var dryRun = false

    @Option(help: "Where to journal deletions (default: $XDG_STATE_HOME/regsweep/journal-…jsonl).")
    var journal: String?

    @Option(
        help:
            "text, json, or markdown (with --dry-run: the plan per repository and rule, for a pull request or CI job summary)"
    )
    var output: PurgeOutput = .text

    func validate() throws {
        if let registry { _ = try connection.endpoint(registry) }
        if output == .markdown && !dryRun {
            throw ValidationError(
                "--output markdown shows a plan for review: add --dry-run (a purge that deletes prints text or json)")
        }
        if let policyFile {
            try PolicySource.refuseFlags(policyOptions, with: policyFile)
            _ = try PolicySource.registry(commandLine: registry, file: try PolicySource.load(policyFile))
        } else {
            _ = try policyOptions.policy()
            _ = try PolicySource.registry(commandLine: registry, file: nil)
        }
    }

    func run() async throws {
        // A policy file is one set of rules; the flags are one unnamed rule of the same kind.
        let file = try policyFile.map(PolicySource.load)
        let retention = try file?.retention ?? RetentionPolicy(policyOptions.policy())
        let registryName = try PolicySource.registry(commandLine: registry, file: file)
        let outcome = try await connection.withClient(registry: registryName) { client -> RunOutcome in
            let store = LeftoverStore.standard(registry: client.endpoint.name)
            let leftovers = try store.load()
            let inventory = try await PurgeSession.loadInventory(
                client: client, retention: retention, leftovers: leftovers)
            for (repository, reason) in inventory.unreadable.sorted(by: { $0.key < $1.key }) {
                Console.error("\(SafeText.escape(repository)): could not be listed: \(reason)")
            }
            let plan = Planner.plan(inventory: inventory, retention: retention, now: Date())
            if let note = PurgeSession.leftoverNote(inventory: inventory, retention: retention) { Console.note(note) }
            if !dryRun, let note = PlanReport.lockNote(plan) { Console.note(note) }
            if dryRun {
                switch output {
                case .text:
                    Console.out(PlanReport.dryRunText(plan))
                    for note in PlanReport.notes(plan) + PlanReport.ruleSummary(plan) { Console.note(note) }
                case .json: Console.json(try PlanReport.json(plan))
                case .markdown: Console.write(Console.safe(PlanReport.markdown(plan)), to: STDOUT_FILENO)
                }
                return RunOutcome(result: nil, unreadable: inventory.unreadable)
            }
            if plan.isEmpty {
                try store.save(leftovers.updated(inventory: inventory, result: nil))
                if output == .text {
                    Console.out("Nothing to delete.")
                    Console.out("Number of deleted tags: 0")
                    Console.out("Number of deleted manifests: 0")
                } else {
                    Console.json(
                        try ResultReport.json(
                            ExecutionResult(registry: plan.registry, items: [], journalPath: nil, interrupted: false)))
                }
                return RunOutcome(result: nil, unreadable: inventory.unreadable)
            }
            let journalFile = try Journal(path: journal ?? Journal.defaultPath(registry: client.endpoint.name))
            // Every planned manifest is noted before the first DELETE, so even a killed run leaves
            // the next one able to find what it orphaned; the outcome then narrows the list.
            try store.save(leftovers.planned(plan))
            let result = await execute(plan: plan, inventory: inventory, client: client, journal: journalFile)
            do {
                try store.save(leftovers.updated(inventory: inventory, result: result))
            } catch {
                Console.error("\(error)")
            }
            switch output {
            case .text:
                Console.out(ResultReport.summary(result))
                for note in PlanReport.ruleSummary(plan) { Console.note(note) }
            case .json, .markdown: Console.json(try ResultReport.json(result, plan: plan))
            }
            Console.note(
                "Journal: \(journalFile.path) (undo with: regsweep restore \(journalFile.path) -r \(client.endpoint.name))"
            )
            if !result.deletedManifests.isEmpty || !result.deletedTags.isEmpty {
                Console.note(SpaceReclaim.of(registry: client.endpoint.name).note)
            }
            return RunOutcome(result: result, unreadable: inventory.unreadable)
        }
        // What was left undone ends stderr, with the command that finishes it.
        for line in ResultReport.leftUndone(
            outcome.result, unreadable: outcome.unreadable, command: Console.commandLine())
        {
            Console.note(line)
        }
        if outcome.result?.interrupted == true { throw ExitCode(130) }
        if !(outcome.result?.succeeded ?? true) || !outcome.unreadable.isEmpty { throw ExitCode.failure }
    }

    private struct RunOutcome: Sendable {
        var result: ExecutionResult?
        var unreadable: [String: String]
    }

    /// Runs the plan with progress on stderr. The first Ctrl-C (or SIGTERM) stops after the
    /// deletions in flight; a second one quits at once — safe too, since every deletion is
    /// journaled before it is sent.
    private func execute(
        plan: PurgePlan, inventory: Inventory, client: RegistryClient, journal: Journal
    ) async -> ExecutionResult {
        let stop = StopSignal()
        let watcher = InterruptWatcher { count in
            if count == 1 {
                stop.request()
                Console.endProgress()
                Console.note("Stopping after the deletions in flight (press Ctrl-C again to quit at once)…")
            } else {
                Console.note("Quitting; the journal has every deletion that was sent.")
                Foundation.exit(130)
            }
        }
        defer { watcher.cancel() }
        let executor = PurgeExecutor(
            client: client, journal: journal, stop: stop, parallelism: connection.concurrency, cache: .standard())
        let registryName = client.endpoint.name
        let textOutput = output == .text
        let counter = ProgressCounter()
        let result = await executor.execute(plan: plan, inventory: inventory) { event in
            switch event {
            case .started(let total):
                counter.setTotal(total)
            case .checking(let repository):
                Console.progress("re-checking \(SafeText.escape(repository))…")
            case .item(let item):
                Console.endProgress()
                let line = ResultReport.line(item, registry: registryName)
                if textOutput { Console.out(line) }
                switch item.outcome {
                case .failed, .notDone: Console.error(line)
                default: break
                }
                Console.progress("deleting: \(counter.advance()) done")
            case .repositoryStopped(let repository, let reason):
                Console.endProgress()
                Console.error("\(SafeText.escape(repository)): \(SafeText.escape(reason))")
            }
        }
        Console.endProgress()
        return result
    }
}

/// Loads what a policy needs: the repositories its rules select, with progress on stderr.
enum PurgeSession {
    static func loadInventory(
        client: RegistryClient, retention: RetentionPolicy, leftovers: Leftovers? = nil
    ) async throws -> Inventory {
        Console.progress("listing repositories…")
        let names: [String]
        do {
            names = try await client.repositories().filter { retention.selects(repository: $0) }
        } catch let error as RegistryError
            where [.unauthorized, .forbidden, .notFound, .unsupported].contains(error.kind)
        {
            // Without catalog access, filters that name repositories literally still work.
            let filters = retention.filters
            let literal = filters.compactMap(\.literalRepository)
            let everyRuleHasFilters = retention.rules.allSatisfy { !$0.policy.filters.isEmpty }
            guard literal.count == filters.count, !literal.isEmpty, everyRuleHasFilters else {
                throw RegistryError(
                    error.kind, "cannot list repositories: \(error.summary)", status: error.status, url: error.url,
                    details: error.details,
                    hint:
                        "the credentials lack catalog access; name repositories literally in --filter (e.g. my-app:.*)")
            }
            names = Array(Set(literal)).sorted()
        }
        var capabilities: RegistryCapabilities?
        if let first = names.first { capabilities = try? await client.capabilities(repository: first) }
        let loader = InventoryLoader(
            client: client, cache: .standard(), capabilities: capabilities, leftovers: leftovers)
        let inventory = try await loader.load(repositories: names) { progress in
            Console.progress("\(progress.repository): \(progress.phase) \(progress.done)/\(progress.total)")
        }
        Console.endProgress()
        return inventory
    }
}

extension PurgeSession {
    /// Says so when manifests an earlier run left are in view but this run will not delete them.
    static func leftoverNote(inventory: Inventory, retention: RetentionPolicy) -> String? {
        let count = inventory.repositories.reduce(0) { $0 + $1.leftovers.present.count }
        guard count > 0 else { return nil }
        let what = count == 1 ? "1 manifest" : "\(count) manifests"
        if retention.deletesManifests {
            return "\(what) an earlier run left untagged (its index was deleted, the manifest's DELETE was not done) "
                + "are back in view and planned like any untagged manifest."
        }
        let fix = retention.namesRules ? "set untagged: true on a rule that reaches them" : "add --untagged"
        return "\(what) an earlier run left untagged are still stored; \(fix) to delete them."
    }
}

/// A thread-safe counter for progress lines.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var total = 0

    func setTotal(_ value: Int) { lock.withLock { total = value } }

    func advance() -> String {
        lock.withLock {
            done += 1
            return "\(done)/\(total)"
        }
    }
}
