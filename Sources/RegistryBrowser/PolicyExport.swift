import RegistryClient

/// A composed policy written out as commands to copy: `acr purge`, a weekly `az acr task`, the
/// article's Terraform task, and a crontab line for `regsweep purge`.
public struct PolicyExport: Sendable, Equatable {
    public var filters: [String]
    public var protect: [String]
    public var ago: String?
    public var keep: Int
    public var untagged: Bool
    public var untaggedOnly: Bool
    public var includeLocked: Bool

    /// The weekly schedule the article uses: Mondays at 01:00.
    public static let schedule = "0 1 * * Mon"
    /// The task name the article uses.
    public static let taskName = "scheduledAcrPurgeTask"

    /// The export of a draft, or the draft's errors when it is not a valid policy.
    public static func from(_ draft: PolicyDraft) -> Result<PolicyExport, DraftErrors> {
        let validation = draft.validate()
        guard validation.policy != nil else { return .failure(DraftErrors(errors: validation.errors)) }
        let ago = draft.ago.trimmingCharacters(in: .whitespaces)
        return .success(
            PolicyExport(
                filters: draft.filterList, protect: draft.protectList, ago: ago.isEmpty ? nil : ago,
                keep: Int(draft.keep.trimmingCharacters(in: .whitespaces)) ?? 0, untagged: draft.untagged,
                untaggedOnly: draft.untaggedOnly, includeLocked: draft.includeLocked))
    }

    /// The export in `format` for `registry` (a host such as `myregistry.azurecr.io`).
    public func text(_ format: ExportFormat, registry: String) -> String {
        switch format {
        case .acr: return acr(registry: registry)
        case .azTask: return azTask(registry: registry)
        case .terraform: return terraform()
        case .cron: return cron(registry: registry)
        }
    }

    /// The purge flags shared by every format, in the order of the article's scheduled task
    /// (`--filter … --untagged --ago 30d`).
    func policyFlags() -> [String] {
        var flags = filters.map { "--filter \(ShellQuoting.single($0))" }
        if untagged { flags.append("--untagged") }
        if untaggedOnly { flags.append("--untagged-only") }
        if let ago { flags.append("--ago \(ago)") }
        if keep > 0 { flags.append("--keep \(keep)") }
        if includeLocked { flags.append("--include-locked") }
        return flags
    }

    /// `acr purge` has no `--protect`: say so rather than silently dropping the rules.
    func protectNote(comment: String) -> [String] {
        guard !protect.isEmpty else { return [] }
        let rules = protect.map(ShellQuoting.single).joined(separator: " ")
        return [
            "\(comment) acr purge has no --protect: \(rules) would NOT be spared.",
            "\(comment) Narrow the --filter instead, or run regsweep purge (see the cron export).",
        ]
    }

    func acrCommand(registry: String?) -> String {
        var words = ["acr", "purge"]
        if let registry { words += ["--registry", registry] }
        return (words + policyFlags()).joined(separator: " ")
    }

    func acr(registry: String) -> String {
        (protectNote(comment: "#") + [acrCommand(registry: RegistryAPI.acrName(registry))]).joined(separator: "\n")
    }

    func azTask(registry: String) -> String {
        let name = RegistryAPI.acrName(registry)
        let command = ShellQuoting.insideDoubleQuotes(acrCommand(registry: name))
        let line =
            "az acr task create --name \"\(Self.taskName)\" --cmd \"\(command)\" --schedule \"\(Self.schedule)\""
            + " --registry \(name) --context /dev/null"
        return (protectNote(comment: "#") + [line]).joined(separator: "\n")
    }

    func terraform() -> String {
        // Inside a Terraform heredoc `${` and `%{` start interpolation; doubling the sign escapes it.
        let command = acrCommand(registry: nil)
            .replacingOccurrences(of: "${", with: "$${")
            .replacingOccurrences(of: "%{", with: "%%{")
        let step = Self.yamlScalar(command)
        let lines =
            protectNote(comment: "#") + [
                "## ACR Task purge",
                "resource \"azurerm_container_registry_task\" \"acr_purge_task\" {",
                "  name                  = \"acrPurgeTask\"",
                "  container_registry_id = azurerm_container_registry.acr.id",
                "  platform {",
                "    os           = \"Linux\"",
                "    architecture = \"amd64\"",
                "  }",
                "  encoded_step {",
                "    task_content = <<EOF",
                "version: v1.1.0",
                "steps:",
                "  - cmd: \(step)",
                "    disableWorkingDirectoryOverride: true",
                "    timeout: 3600",
                "EOF",
                "  }",
                "  agent_setting {",
                "    cpu = 2",
                "  }",
                "  timer_trigger {",
                "    name     = \"t1\"",
                "    schedule = \"\(Self.schedule)\"",
                "    enabled  = true",
                "  }",
                "}",
            ]
        return lines.joined(separator: "\n")
    }

    func cron(registry: String) -> String {
        var words = ["regsweep", "purge", "-r", registry] + policyFlags()
        words += protect.map { "--protect \(ShellQuoting.single($0))" }
        // cron turns an unescaped % into a newline.
        let command = words.joined(separator: " ").replacingOccurrences(of: "%", with: "\\%")
        return [
            "# m h dom mon dow  command (weekly, Mondays at 01:00; credentials from REGSWEEP_USERNAME/REGSWEEP_PASSWORD or docker login)",
            "\(Self.schedule) \(command)",
        ].joined(separator: "\n")
    }

    /// The command as a YAML scalar: plain like the article when YAML allows it, else single-quoted.
    static func yamlScalar(_ text: String) -> String {
        let risky = text.contains(": ") || text.contains(" #") || text.hasSuffix(":")
        guard risky else { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
