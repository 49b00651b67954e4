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
            for regsweep purge (cron), without opening the browser.

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
            "Print the policy as acr, az-task, terraform or cron, without opening the browser.", valueName: "format"))
    var export: String?

    /// The composer's contents from the flags, valid or not: the browser shows what is wrong inline.
    var draft: PolicyDraft {
        PolicyDraft(
            filters: policyOptions.filters, ago: policyOptions.ago, keep: policyOptions.keep,
            untagged: policyOptions.untagged, untaggedOnly: policyOptions.untaggedOnly,
            includeLocked: policyOptions.includeLocked, protect: policyOptions.protect)
    }

    func validate() throws {
        if let export, ExportFormat(rawValue: export) == nil {
            let formats = ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--export takes one of \(formats) (got '\(export)')")
        }
        if let registry { _ = try connection.endpoint(registry) }
        if let policyFile {
            try PolicySource.refuseFlags(policyOptions, with: policyFile)
            if export != nil {
                throw ValidationError(
                    "--export prints a composed filter; for a policy file use regsweep policy export \(policyFile) --format …"
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
        let draft = self.draft
        let readOnly = self.readOnly
        let source = file.map { PolicyFileSource(path: $0.path, text: $0.text, document: $0.document) }
        try await connection.withClient(registry: registryName) { client in
            try await Self.browse(client: client, draft: draft, policyFile: source, readOnly: readOnly)
        }
    }

    /// Opens the terminal and runs the session on the main actor, where curses lives.
    @MainActor
    static func browse(
        client: RegistryClient, draft: PolicyDraft, policyFile: PolicyFileSource?, readOnly: Bool
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
            let configuration =
                policyFile.map {
                    BrowserConfiguration(
                        registry: client.endpoint.name, user: user, readOnly: readOnly, policyFile: $0,
                        supportsUnicode: terminal.supportsUnicode)
                }
                ?? BrowserConfiguration(
                    registry: client.endpoint.name, user: user, readOnly: readOnly, draft: draft,
                    supportsUnicode: terminal.supportsUnicode)
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
