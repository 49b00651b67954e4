import ArgumentParser
import Purge

/// The purge policy flags, shared by `purge` and `browse` (which pre-fills its filter composer).
struct PolicyOptions: ParsableArguments {
    @Option(
        name: .customLong("filter"),
        help: ArgumentHelp(
            "REPO-REGEX:TAG-REGEX; repeatable. The repository regex matches the whole name, the tag regex anywhere (anchor with ^…$).",
            valueName: "repo:tag"))
    var filters: [String] = []

    @Option(
        help: ArgumentHelp("Only tags older than this: 30d, 1d3h, 15m, 0d (0d ignores age).", valueName: "duration"))
    var ago: String?

    @Option(help: "Per repository, spare the N newest tags among those that would be deleted.")
    var keep = 0

    @Flag(help: "Also delete manifests left without tags (and their referrers).")
    var untagged = false

    @Flag(name: .customLong("untagged-only"), help: "Skip the tag phase; only delete manifests that have no tags.")
    var untaggedOnly = false

    @Flag(name: .customLong("include-locked"), help: "Also delete locked tags and manifests (registries with locks).")
    var includeLocked = false

    @Option(
        name: .customLong("protect"),
        help: ArgumentHelp("REPO-REGEX:TAG-REGEX; repeatable. Matching tags are never deleted.", valueName: "repo:tag"))
    var protect: [String] = []

    /// The flags given on the command line, as typed (for "cannot be mixed with --policy").
    var given: [String] {
        var flags: [String] = []
        if !filters.isEmpty { flags.append("--filter") }
        if ago != nil { flags.append("--ago") }
        if keep != 0 { flags.append("--keep") }
        if untagged { flags.append("--untagged") }
        if untaggedOnly { flags.append("--untagged-only") }
        if includeLocked { flags.append("--include-locked") }
        if !protect.isEmpty { flags.append("--protect") }
        return flags
    }

    /// The validated policy; every malformed filter or duration is a usage error naming what to fix.
    func policy() throws -> PurgePolicy {
        do {
            return try PurgePolicy.parse(
                filters: filters, ago: ago, keep: keep, untagged: untagged, untaggedOnly: untaggedOnly,
                includeLocked: includeLocked, protect: protect)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
