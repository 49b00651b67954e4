import ArgumentParser
import Foundation
import Purge
import RegistryClient

struct ManifestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest", abstract: "List or delete manifests.", subcommands: [List.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the manifests of a repository: digest, media type, platforms, created, tags.",
            discussion: """
                Lists every manifest reachable from a tag: images, indexes and their children, and referrers \
                (signatures, SBOMs). A generic registry does not list manifests without tags.

                Example: regsweep manifest list -r 127.0.0.1:5000 --repository my-app
                """)

        @OptionGroup var registry: RegistryOptions
        @Option(help: "The repository, e.g. my-app.") var repository: String
        @Option(help: "text or json") var output: OutputFormat = .text

        func run() async throws {
            let (name, inventory) = try await registry.withClient { client in
                let capabilities = try? await client.capabilities(repository: repository)
                // What an earlier purge left where no tag reaches it is shown too (marked "left").
                let leftovers = try LeftoverStore.standard(registry: client.endpoint.name).load()
                let loader = InventoryLoader(
                    client: client, cache: .standard(), capabilities: capabilities, leftovers: leftovers)
                let inventory = try await loader.load(repository: repository) { progress in
                    Console.progress("\(progress.repository): \(progress.phase) \(progress.done)/\(progress.total)")
                }
                Console.endProgress()
                return (client.endpoint.name, inventory)
            }
            let rows = ManifestRow.rows(of: inventory)
            switch output {
            case .json:
                try Console.printJSON(rows)
            case .text:
                Console.out("Listing manifests for the \"\(repository)\" repository:")
                for row in rows {
                    var line = "\(name)/\(repository)@\(row.digest)  \(row.kind)"
                    if !row.platforms.isEmpty { line += "  " + row.platforms.joined(separator: ",") }
                    line += "  " + (row.created ?? "created unknown")
                    if !row.tags.isEmpty { line += "  tags: " + row.tags.joined(separator: ", ") }
                    if let subject = row.subject { line += "  refers to \(subject)" }
                    Console.out(line)
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete manifests by digest (and with them every tag that points to them).",
            discussion: "Example: regsweep manifest delete -r 127.0.0.1:5000 --repository my-app sha256:4096d3…")

        @OptionGroup var registry: RegistryOptions
        @Option(help: "The repository, e.g. my-app.") var repository: String
        @Argument(help: "The digests to delete (sha256:…).") var digests: [String]
        @Option(
            name: .customLong("journal"),
            help: "Where to record what is deleted (default under $XDG_STATE_HOME/regsweep).")
        var journalPath: String?

        func validate() throws {
            guard !digests.isEmpty else { throw ValidationError("name at least one digest to delete") }
            for digest in digests where Digest(digest) == nil {
                throw ValidationError("'\(digest)' is not a digest: expected sha256: followed by 64 hex digits")
            }
        }

        func run() async throws {
            let failed = try await registry.withClient { client in
                let journal = try Journal(path: journalPath ?? Journal.defaultPath(registry: client.endpoint.name))
                // The tags that go with each manifest, so `restore` can put them back too.
                var tagsByDigest: [Digest: [String]] = [:]
                for tag in try await client.tags(repository: repository) {
                    if let head = try await client.head(repository: repository, reference: tag) {
                        tagsByDigest[head.digest, default: []].append(tag)
                    }
                }
                var failed = 0
                for text in digests {
                    guard let digest = Digest(text) else { continue }
                    do {
                        let manifest = try await client.manifest(repository: repository, reference: digest.description)
                        let tags = (tagsByDigest[digest] ?? []).sorted()
                        try await journal.append(
                            JournalEntry(
                                time: Date(), registry: client.endpoint.name, repository: repository,
                                operation: .manifest, digest: digest, mediaType: manifest.mediaType,
                                manifest: manifest.body,
                                tags: tags))
                        try await client.deleteManifest(repository: repository, digest: digest)
                        if !tags.isEmpty {
                            Console.note(
                                "\(repository)@\(digest.short) took tags \(tags.joined(separator: ", ")) with it")
                        }
                        Console.out("Deleted \(client.endpoint.name)/\(repository)@\(digest)")
                    } catch {
                        failed += 1
                        Console.error("\(repository)@\(digest): \(error)")
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

/// One manifest as `manifest list` shows it.
struct ManifestRow: Encodable {
    var digest: String
    var mediaType: String
    var kind: String
    var platforms: [String]
    var created: String?
    var timeSource: String
    var size: Int64
    var tags: [String]
    var children: [String]
    var subject: String?
    var referrers: [String]

    static func rows(of repository: RepositoryInventory) -> [ManifestRow] {
        repository.manifests.values.sorted { $0.digest < $1.digest }.map { record in
            let tags =
                repository.tags(pointingTo: record.digest)
                + repository.referrerTags.filter { $0.value == record.digest }.map(\.key).sorted()
            let kind: String
            switch record.kind {
            case .index where repository.isReferrersIndex(record.digest): kind = "referrers index"
            case .index: kind = "index"
            case .image where record.subject != nil: kind = "referrer"
            case .image: kind = "image"
            case .schema1: kind = "schema1"
            case .unknown: kind = "unknown"
            }
            let left = repository.leftovers.present.contains(record.digest)
            return ManifestRow(
                digest: record.digest.description, mediaType: record.mediaType,
                kind: left ? kind + " (left by an earlier purge, untagged)" : kind,
                platforms: record.platforms.map(\.description),
                created: record.time.date.map(RFC3339.format)
                    ?? record.time.rejected.map { RFC3339.format($0) + " (implausible, treated as unknown)" },
                timeSource: record.time.source.rawValue, size: record.totalSize, tags: tags,
                children: record.children.map(\.description), subject: record.subject?.description,
                referrers: record.referrers.map(\.description))
        }
    }
}
