import ArgumentParser
import Foundation
import Purge
import RegistryClient

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put back the manifests and tags a purge journaled.",
        discussion: """
            Works while the registry still has the blobs, that is before its garbage collection runs. Everything comes back in one pass, children before their index and subjects before their referrers; running it twice is harmless.

            Example: regsweep restore ~/.local/state/regsweep/journal-127.0.0.1_5000-2026-11-27T161000Z.jsonl -r 127.0.0.1:5000
            """)

    @Argument(help: "The journal file a purge wrote.") var journal: String
    @OptionGroup var registry: RegistryOptions
    @Option(name: .customLong("repository"), help: "Only restore these repositories (repeatable).")
    var repositories: [String] = []
    @Option(help: "text or json") var output: OutputFormat = .text

    func run() async throws {
        let entries = try Journal.read(path: journal) { bytes in
            Console.warn(
                "the journal ends in an unfinished line (\(bytes) bytes, a run killed while writing it); "
                    + "its deletions were never sent, so it is left out")
        }
        guard !entries.isEmpty else {
            Console.out("The journal is empty: nothing to restore.")
            return
        }
        let items = try await registry.withClient { client in
            let registryName = client.endpoint.name
            let textOutput = output == .text
            return await Restorer(client: client).restore(
                entries: entries, repositories: repositories.isEmpty ? nil : Set(repositories)
            ) { item in
                let line = ResultReport.line(item, registry: registryName, restoring: true)
                if textOutput { Console.out(line) }
                if case .failed = item.outcome { Console.error(line) }
            }
        }
        let result = ExecutionResult(
            registry: entries[0].registry, items: items, journalPath: journal, interrupted: false)
        let restored = items.filter { $0.outcome == .restored }
        switch output {
        case .text:
            Console.out("Number of restored tags: \(restored.filter(\.target.isTag).count)")
            Console.out("Number of restored manifests: \(restored.filter { !$0.target.isTag }.count)")
            if !result.failures.isEmpty { Console.out("Number of failures: \(result.failures.count)") }
        case .json:
            Console.json(try ResultReport.json(result))
        }
        if !result.failures.isEmpty { throw ExitCode.failure }
    }
}
