import ArgumentParser
import Foundation
import NcursesBackend
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

            --export FORMAT prints the policy as an acr purge command line (acr), a weekly az acr task \
            (az-task), a Terraform azurerm_container_registry_task block (terraform) or a crontab line \
            for regsweep purge (cron), without opening the browser.

            Examples:
              regsweep browse -r 127.0.0.1:5000
              regsweep browse -r R --filter 'my-app:^((?!prod|dev).)*$' --ago 0d --untagged
              regsweep browse -r R --read-only
              regsweep browse -r R --filter '.*:^((?!prod|dev).)*$' --untagged --ago 30d --export az-task
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var policyOptions: PolicyOptions
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
    }

    func run() async throws {
        if let export, let format = ExportFormat(rawValue: export) {
            print(try BrowseExport.text(draft: draft, format: format, registry: registry.registry))
            return
        }
        let draft = self.draft
        let readOnly = self.readOnly
        try await registry.withClient { client in
            try await Self.browse(client: client, draft: draft, readOnly: readOnly)
        }
    }

    /// Opens the terminal and runs the session on the main actor, where curses lives.
    @MainActor
    static func browse(client: RegistryClient, draft: PolicyDraft, readOnly: Bool) async throws {
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
            let configuration = BrowserConfiguration(
                registry: client.endpoint.name, user: client.credentials.username, readOnly: readOnly, draft: draft,
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
