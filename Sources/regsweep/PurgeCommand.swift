import ArgumentParser
import Foundation
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

            Safety: right before deleting, each repository is re-read. A tag that moved since the plan is
            skipped; a manifest that a surviving tag now points to is spared. Other tags of a manifest are
            never removed along with one tag. Every deletion is first written to a journal; `regsweep
            restore JOURNAL` puts it back while the registry still has the blobs (before garbage collection).

            Exit status: 0 when everything planned was done, 1 when anything failed or was interrupted.
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Flag(name: .customLong("dry-run"), help: "Print the plan and change nothing.")
    var dryRun = false

    @Option(help: "Where to journal deletions (default: $XDG_STATE_HOME/regsweep/journal-…jsonl).")
    var journal: String?

    @Option(help: "text or json") var output: OutputFormat = .text

    func validate() throws {
        _ = try policyOptions.policy()
    }

    func run() async throws {
        let policy = try policyOptions.policy()
        let succeeded = try await registry.withClient { client -> Bool in
            let inventory = try await PurgeSession.loadInventory(client: client, policy: policy)
            let plan = Planner.plan(inventory: inventory, policy: policy, now: Date())
            if dryRun {
                switch output {
                case .text:
                    print(PlanReport.dryRunText(plan))
                    for note in PlanReport.notes(plan) { Console.note(note) }
                case .json: print(try PlanReport.json(plan))
                }
                return true
            }
            if plan.isEmpty {
                if output == .text {
                    print("Nothing to delete.")
                    print("Number of deleted tags: 0")
                    print("Number of deleted manifests: 0")
                } else {
                    print(
                        try ResultReport.json(
                            ExecutionResult(registry: plan.registry, items: [], journalPath: nil, interrupted: false)))
                }
                return true
            }
            let journalFile = try Journal(path: journal ?? Journal.defaultPath(registry: client.endpoint.name))
            let executor = PurgeExecutor(client: client, journal: journalFile)
            let registryName = client.endpoint.name
            let textOutput = output == .text
            let counter = ProgressCounter()
            let result = await executor.execute(plan: plan, inventory: inventory) { event in
                switch event {
                case .started(let total):
                    counter.setTotal(total)
                case .checking(let repository):
                    Console.progress("re-checking \(repository)…")
                case .item(let item):
                    Console.endProgress()
                    if textOutput { print(ResultReport.line(item, registry: registryName)) }
                    Console.progress("deleting: \(counter.advance()) done")
                case .repositoryStopped(let repository, let reason):
                    Console.endProgress()
                    Console.error("\(repository): \(reason)")
                }
            }
            Console.endProgress()
            switch output {
            case .text: print(ResultReport.summary(result))
            case .json: print(try ResultReport.json(result))
            }
            Console.note(
                "Journal: \(journalFile.path) (undo with: regsweep restore \(journalFile.path) -r \(registryName))")
            return result.succeeded
        }
        if !succeeded { throw ExitCode.failure }
    }
}

/// Loads what a policy needs: the repositories its filters select, with progress on stderr.
enum PurgeSession {
    static func loadInventory(client: RegistryClient, policy: PurgePolicy) async throws -> Inventory {
        Console.progress("listing repositories…")
        let names: [String]
        do {
            names = try await client.repositories().filter { policy.selects(repository: $0) }
        } catch let error as RegistryError
            where [.unauthorized, .forbidden, .notFound, .unsupported].contains(error.kind)
        {
            // Without catalog access, filters that name repositories literally still work.
            let literal = policy.filters.compactMap(\.literalRepository)
            guard literal.count == policy.filters.count, !literal.isEmpty else {
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
        let loader = InventoryLoader(client: client, cache: .standard(), capabilities: capabilities)
        let inventory = try await loader.load(repositories: names) { progress in
            Console.progress("\(progress.repository): \(progress.phase) \(progress.done)/\(progress.total)")
        }
        Console.endProgress()
        return inventory
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
