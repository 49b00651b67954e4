import ArgumentParser

/// The `regsweep` command: browse and purge any OCI registry.
@main
struct Regsweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regsweep",
        abstract: "Browse an OCI registry and purge stale images, with a plan you can see first.",
        discussion: """
            regsweep speaks the registry HTTP API to any OCI registry (distribution, zot, Harbor, ACR, …). \
            `purge` takes the same filters as Azure's `acr purge`; `browse` shows the same plan live.

            Examples:
              regsweep repository list -r 127.0.0.1:5000
              regsweep tag list -r myregistry.io --repository my-app
              regsweep purge -r myregistry.io --filter 'my-app:^((?!prod|dev).)*$' --ago 30d --untagged --dry-run
              regsweep purge --policy retention.yaml --dry-run
            """,
        version: "0.1.0",
        subcommands: [
            RepositoryCommand.self, TagCommand.self, ManifestCommand.self, PurgeCommand.self, PolicyCommand.self,
            RestoreCommand.self, BrowseCommand.self, DevCommand.self,
        ]
    )
}
