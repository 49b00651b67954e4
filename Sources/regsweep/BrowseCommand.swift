import ArgumentParser
import Foundation
import NcursesBackend
import PolicyYAML
import Purge
import RegistryBrowser
import RegistryClient
import TUICore

/// `regsweep browse`: the full-screen browser with a live purge preview.
struct BrowseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse", abstract: "Open the terminal browser with a live purge preview.",
        discussion: """
            The policy flags are those of `purge` and fill the filter composer (f or :); they are optional. \
            Every keystroke in the composer re-plans what is loaded; rows are coloured by verdict. D deletes \
            what the plan shows after a confirmation that starts on Cancel; ? lists every key.

            --policy FILE opens a retention policy file instead: the composer edits its rules (add, remove, \
            reorder, edit one), the lists name the rule that decided each row, and w writes the rules back \
            after showing the diff (unchanged lines and comments stay as they were). e then shows the \
            file's schedules: a Kubernetes CronJob, a GitHub Actions workflow, a GitLab CI pipeline.

            --export FORMAT prints the policy as an acr purge command line (acr), a weekly az acr task \
            (az-task), a Terraform azurerm_container_registry_task block (terraform) or a crontab line \
            for regsweep purge (cron), without opening the browser. With --policy FILE it prints the \
            file's schedule instead: k8s-cronjob, github-actions or gitlab-ci, as `regsweep policy export` \
            does with its defaults.

            Examples:
              regsweep browse -r 127.0.0.1:5000
              regsweep browse -r R --filter 'my-app:^((?!prod|dev).)*$' --ago 0d --untagged
              regsweep browse -r R --read-only
              regsweep browse --policy retention.yaml
              regsweep browse -r R --filter '.*:^((?!prod|dev).)*$' --untagged --ago 30d --export az-task
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
            "A retention policy file (YAML) to edit and preview: its rules fill the composer; w writes them back.",
            valueName: "file"))
    var policyFile: String?
    @Flag(name: .customLong("read-only"), help: "Block every destructive action.") var readOnly = false

    @Option(
        name: .customLong("export"),
        help: ArgumentHelp(
            "Print the policy as acr, az-task, terraform or cron (with --policy: k8s-cronjob, github-actions, gitlab-ci), without opening the browser.",
            valueName: "format"))
    var export: String?

    /// The composer's contents from the flags, valid or not: the browser shows what is wrong inline.
    var draft: PolicyDraft {
        PolicyDraft(
            filters: policyOptions.filters, ago: policyOptions.ago, keep: policyOptions.keep,
            untagged: policyOptions.untagged, untaggedOnly: policyOptions.untaggedOnly,
            includeLocked: policyOptions.includeLocked, protect: policyOptions.protect)
    }

    func validate() throws {
        let schedulers = SchedulerFormat.allCases.map(\.rawValue).joined(separator: ", ")
        if let export, ExportFormat(rawValue: export) == nil, SchedulerFormat(rawValue: export) == nil {
            let formats = ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--export takes one of \(formats) (with --policy: \(schedulers)) (got '\(export)')")
        }
        if let registry { _ = try connection.endpoint(registry) }
        if let export, SchedulerFormat(rawValue: export) != nil, policyFile == nil {
            throw ValidationError(
                "--export \(export) schedules a policy file: add --policy FILE (browse --policy FILE writes one with w)"
            )
        }
        if let policyFile {
            try PolicySource.refuseFlags(policyOptions, with: policyFile)
            if let export, ExportFormat(rawValue: export) != nil {
                throw ValidationError(
                    "--export \(export) prints one filter's command; a policy file is scheduled with --export \(schedulers)"
                )
            }
            _ = try PolicySource.registry(commandLine: registry, file: try PolicySource.load(policyFile))
        } else {
            _ = try PolicySource.registry(commandLine: registry, file: nil)
        }
    }

    func run() async throws {
        let file = try policyFile.map(PolicySource.load)
        let registryName = try PolicySource.registry(commandLine: registry, file: file)
        if let export, let format = ExportFormat(rawValue: export) {
            print(try BrowseExport.text(draft: draft, format: format, registry: registryName))
            return
        }
        if let export, let format = SchedulerFormat(rawValue: export), let file {
            let schedule = SchedulerExport(
                policyPath: PolicyCommand.Export.repositoryPath(file.path), policyText: file.text, registry: registry,
                policyRegistry: file.registry, connectionFlags: connection.scheduledFlags)
            try PolicyCommand.Export.print(schedule, format: format, policy: file)
            return
        }
        let draft = self.draft
        let readOnly = self.readOnly
        let source = file.map { PolicyFileSource(path: $0.path, text: $0.text, document: $0.document) }
        let flags = connection.scheduledFlags
        try await connection.withClient(registry: registryName) { client in
            try await Self.browse(
                client: client, draft: draft, policyFile: source, readOnly: readOnly, connectionFlags: flags)
        }
    }

    /// Opens the terminal and runs the session on the main actor, where curses lives.
    @MainActor
    static func browse(
        client: RegistryClient, draft: PolicyDraft, policyFile: PolicyFileSource?, readOnly: Bool,
        connectionFlags: [String]
    ) async throws {
        let logPath = BrowseLog.defaultPath()
        let startSize = BrowseLog.size(of: logPath)
        try await NcursesTerminal.withTerminal { terminal in
            // Only once curses runs: before that, errors (no terminal) should reach the user directly.
            let log = BrowseLog(path: logPath)
            defer {
                terminal.shutdown()
                if let log, log.restore(startSize: startSize) > 0 {
                    Console.warn("messages were logged while the browser ran: see \(log.path)")
                }
            }
            let user = client.credentials.username
            var configuration =
                policyFile.map {
                    BrowserConfiguration(
                        registry: client.endpoint.name, user: user, readOnly: readOnly, policyFile: $0,
                        supportsUnicode: terminal.supportsUnicode)
                }
                ?? BrowserConfiguration(
                    registry: client.endpoint.name, user: user, readOnly: readOnly, draft: draft,
                    supportsUnicode: terminal.supportsUnicode)
            configuration.connectionFlags = connectionFlags
            let model = BrowserModel(configuration: configuration, size: terminal.size, now: Date())
            let program = BrowserProgram(model: model, backend: terminal)
            let effects = BrowseEffects(client: client, mailbox: BrowseMailbox(), cache: .standard())
            let session = BrowseSession(
                program: program, effects: effects, suspend: { terminal.suspendProcess() },
                release: { terminal.shutdown() })
            await session.run()
        }
    }
}
