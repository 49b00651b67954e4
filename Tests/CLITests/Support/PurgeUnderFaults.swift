import Foundation
import Purge
import RegistryClient
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension CLI {
    /// The environment `run` gives the binary.
    var environment: [String: String] {
        ["HOME": home, "XDG_CACHE_HOME": home + "/cache", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    /// Starts `regsweep ARGUMENTS` in the background (to signal it while it runs), runs `body` with
    /// it, and kills it if `body` throws.
    func withBackground<T>(
        _ arguments: [String], isolation: isolated (any Actor)? = #isolation,
        _ body: (RunningChild) async throws -> T
    ) async throws -> T {
        try await RunningChild.with(try Self.binary(), arguments, environment: environment, body)
    }
}

/// The soak's purge command and what its output says.
enum FaultPurge {
    /// `purge -r HOST --filter … --ago 0d --untagged --concurrency 8`, plus a journal and, for runs
    /// through the fault proxy, a short first backoff and per-request timeout.
    static func arguments(
        host: String, journal: String? = nil, filter: String = BulkSeed.purgeFilter, faulted: Bool,
        dryRun: Bool = false
    ) -> [String] {
        var arguments = [
            "purge", "-r", host, "--filter", filter, "--ago", "0d", "--untagged", "--concurrency", "8",
        ]
        if dryRun { arguments.append("--dry-run") }
        if let journal { arguments += ["--journal", journal] }
        if faulted {
            // A stall holds a request for 1.5 s: a 1 s timeout turns it into a retryable failure
            // without spending the default minute on it.
            arguments += ["--timeout", "1", "--retry-base-delay", "20"]
        }
        return arguments
    }

    /// Gives `other` (under the name `alias`) what the runs of `cli` against `host` noted as left
    /// behind, so that a dry run there plans what the next real run will (`Leftovers`).
    static func shareLeftovers(of cli: CLI, host: String, with other: CLI, as alias: String) throws {
        let left = try LeftoverStore.standard(registry: host, environment: cli.environment).load()
        try LeftoverStore.standard(registry: alias, environment: other.environment).save(
            Leftovers(registry: alias, manifests: left.manifests))
    }

    /// The `repo:tag` and `repo@digest` items of a dry run's plan (`HOST/repo:tag` lines).
    static func planned(dryRun stdout: String, host: String) -> Set<String> {
        Set(
            stdout.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix(host + "/") else { return nil }
                return String(line.dropFirst(host.count + 1))
            })
    }

    /// The `repo:tag` and `repo@digest` items of the `Deleted HOST/…` lines.
    static func deleted(_ stdout: String, host: String) -> [String] {
        let prefix = "Deleted \(host)/"
        return stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix(prefix) else { return nil }
            return String(line.dropFirst(prefix.count))
        }
    }

    /// The lines from the one starting `Left undone:` to the end of standard error, or nil.
    static func leftUndone(_ stderr: String) -> [String]? {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.lastIndex(where: { $0.hasPrefix("Left undone:") }) else { return nil }
        return Array(lines[start...])
    }

    /// The repositories in which two snapshots differ.
    static func repositories(of differences: [String]) -> Set<String> {
        Set(
            differences.compactMap { line -> String? in
                // "missing: repo:tag (…)" / "extra: repo@sha256:…"
                guard let colon = line.firstIndex(of: ":") else { return nil }
                let rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                return rest.split(whereSeparator: { $0 == ":" || $0 == "@" }).first.map(String.init)
            })
    }

    /// The journal's entries; none when the file does not exist yet.
    static func journal(_ path: String) throws -> [JournalEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try Journal.read(path: path)
    }

    /// `repo:tag` for every tag and `repo@digest` for every manifest the journal records.
    static func journaled(_ entries: [JournalEntry]) -> Set<String> {
        var result = Set<String>()
        for entry in entries {
            result.insert("\(entry.repository)@\(entry.digest)")
            for tag in entry.tags { result.insert("\(entry.repository):\(tag)") }
        }
        return result
    }

    /// Counts the journal's complete lines without decoding them (a run killed mid-write may leave
    /// half a line, which `Journal.read` leaves out).
    static func journalLineCount(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// A temp file path for a journal.
    static func temporaryJournal(_ label: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("regsweep-\(label)-\(UUID().uuidString).jsonl")
            .path
    }

    /// Polls until `condition` holds or `child` ends; returns whether the condition held.
    static func waitUntil(
        _ child: RunningChild, timeout: Duration = .seconds(90), _ condition: () throws -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try condition() { return true }
            if kill(child.processIdentifier, 0) == 0, !isZombie(child.processIdentifier) {
                try await Task.sleep(for: .milliseconds(10))
            } else {
                return try condition()
            }
        }
        return false
    }

    /// Whether a child has exited but not been reaped yet.
    private static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
