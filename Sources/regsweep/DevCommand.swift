import ArgumentParser
import Foundation
import RegistryClient
import RegistryFixtures

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Developer tools: seed a local registry for demos and tests.",
        subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push the article's repositories (my-app, another-app) and demo extras into a registry.",
            discussion: """
                Pushes synthetic images: my-app (1.0.0 2.0.0 3.0.0 4.0.0 dev prod, dev = 4.0.0) and another-app \
                (1.0.0 2.0.0 dev, dev = 2.0.0) exactly as in the acr purge article, plus platform-app (multi-arch \
                indexes), signed-app (signature referrers), repro-app (1970 and missing dates) and ci-builds \
                (many tags). Content is generated, so the same command gives the same digests.

                Example: regsweep dev seed -r 127.0.0.1:5000
                """)

        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Only the article's two repositories.") var articleOnly = false
        @Option(help: "How many tags ci-builds gets.") var busyTags = 300

        func run() async throws {
            try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                if articleOnly {
                    try await DemoSeed.pushArticleScenario(pusher)
                } else {
                    try await DemoSeed.pushDemo(pusher, busyTags: busyTags) { step in
                        Console.write("seeding \(step)\n", to: STDERR_FILENO)
                    }
                }
                Console.out("Seeded \(client.endpoint.name)")
            }
        }
    }
}
