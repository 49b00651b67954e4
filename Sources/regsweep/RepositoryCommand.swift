import ArgumentParser
import RegistryClient

struct RepositoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repository", abstract: "List repositories.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the registry's repositories (needs catalog access).",
            discussion: "Example: regsweep repository list -r 127.0.0.1:5000")

        @OptionGroup var registry: RegistryOptions
        @Option(help: "text or json") var output: OutputFormat = .text

        func run() async throws {
            let names = try await registry.withClient { try await $0.repositories() }.sorted()
            switch output {
            case .text:
                for name in names { Console.out(name) }
            case .json: try Console.printJSON(names)
            }
        }
    }
}
