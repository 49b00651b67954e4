import Purge

extension PurgePolicy {
    /// The policy as `purge` flags, for the header: `--filter 'my-app:.*' --ago 0d --untagged`.
    var flagSummary: String {
        var flags = filters.map { "--filter \(ShellQuoting.single($0.text))" }
        if let ago { flags.append("--ago \(AgoDuration.format(ago))") }
        if keep > 0 { flags.append("--keep \(keep)") }
        if untagged { flags.append("--untagged") }
        if untaggedOnly { flags.append("--untagged-only") }
        if includeLocked { flags.append("--include-locked") }
        flags += protect.map { "--protect \(ShellQuoting.single($0.text))" }
        return flags.joined(separator: " ")
    }
}
