import ArgumentParser
import Foundation
import Purge
import RegistryClient

struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "List or delete tags.", subcommands: [List.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tags of a repository, one REGISTRY/REPOSITORY:TAG line each.",
            discussion: "Example: regsweep tag list -r 127.0.0.1:5000 --repository my-app")

        @OptionGroup var registry: RegistryOptions
        @Option(help: "The repository, e.g. my-app.") var repository: String
        @Option(help: "text or json") var output: OutputFormat = .text

        func run() async throws {
            let (name, tags) = try await registry.withClient { client in
                (client.endpoint.name, try await client.tags(repository: repository).sorted())
            }
            switch output {
            case .text:
                Console.out("Listing tags for the \"\(repository)\" repository:")
                for tag in tags { Console.out("\(name)/\(repository):\(tag)") }
            case .json:
                try Console.printJSON(TagListing(registry: name, repository: repository, tags: tags))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete tags; other tags of the same manifest stay.",
            discussion: """
                Only the named tags go. On registries without a tag-delete API (distribution 2.x) the tag is \
                moved onto a unique placeholder manifest that is then deleted, so sibling tags keep resolving.

                Example: regsweep tag delete -r 127.0.0.1:5000 --repository my-app 1.0.0 2.0.0
                """)

        @OptionGroup var registry: RegistryOptions
        @Option(help: "The repository, e.g. my-app.") var repository: String
        @Argument(help: "The tags to delete.") var tags: [String]
        @Option(
            name: .customLong("journal"),
            help: "Where to record what is deleted (default under $XDG_STATE_HOME/regsweep).")
        var journalPath: String?

        func validate() throws {
            guard !tags.isEmpty else { throw ValidationError("name at least one tag to delete") }
        }

        func run() async throws {
            let failed = try await registry.withClient { client in
                let journal = try Journal(path: journalPath ?? Journal.defaultPath(registry: client.endpoint.name))
                var failed = 0
                for tag in tags {
                    do {
                        let manifest = try await client.manifest(repository: repository, reference: tag)
                        try await journal.append(
                            JournalEntry(
                                time: Date(), registry: client.endpoint.name, repository: repository, operation: .tag,
                                digest: manifest.digest, mediaType: manifest.mediaType, manifest: manifest.body,
                                tags: [tag]))
                        // The tag goes only while it is still the manifest just journaled.
                        try await client.deleteTag(repository: repository, tag: tag, expecting: manifest.digest)
                        Console.out("Deleted \(client.endpoint.name)/\(repository):\(tag)")
                    } catch {
                        failed += 1
                        Console.error("\(repository):\(tag): \(error)")
                        if let error = error as? RegistryError,
                            [.deleteDisabled, .unauthorized, .forbidden].contains(error.kind)
                        {
                            break
                        }
                    }
                }
                await journal.close()
                Console.note(
                    "Journal: \(journal.path) (undo with: regsweep restore \(journal.path) -r \(client.endpoint.name))")
                return failed
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}

/// `tag list --output json`.
struct TagListing: Encodable {
    var registry: String
    var repository: String
    var tags: [String]
}
