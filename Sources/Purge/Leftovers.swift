import Foundation
import RegistryClient

/// Manifests a run planned to delete and did not: their DELETE failed, or the run stopped first.
///
/// Deleting goes index before children (so a run that stops never leaves an index that points
/// at deleted images). The price: when a child's DELETE fails after its index went, nothing a
/// registry lists reaches the child any more — distribution shows manifests only through tags —
/// so running the same purge again would not see it and would exit 0 with it still stored. The
/// run writes such manifests here; the next load of the repository asks for each by digest and
/// puts the ones still there back in view as untagged manifests, so the purge can finish the job.
///
/// What goes in is a superset (every planned manifest left undone, visible or not): checking one
/// that turns out tagged costs one HEAD, and then it is forgotten.
public struct Leftovers: Codable, Sendable, Equatable {
    public var version = 1
    public var registry: String
    /// Repository → digests, sorted.
    public var manifests: [String: [Digest]]

    public init(registry: String, manifests: [String: [Digest]] = [:]) {
        self.registry = registry
        self.manifests = manifests.filter { !$0.value.isEmpty }
    }

    public var isEmpty: Bool { manifests.isEmpty }

    public func digests(in repository: String) -> Set<Digest> { Set(manifests[repository] ?? []) }

    /// What to remember while a run deletes: everything it plans to delete by digest, on top of
    /// what was left before.
    public func planned(_ plan: PurgePlan) -> Leftovers {
        var all: [String: Set<Digest>] = manifests.mapValues(Set.init)
        for repository in plan.repositories {
            all[repository.name, default: []].formUnion(repository.manifestsToDelete.map(\.digest))
        }
        return Leftovers(registry: registry, manifests: all.mapValues { $0.sorted() })
    }

    /// What to remember after a run: the earlier leftovers this load did not settle (found gone, or
    /// reachable from tags again) and this run did not delete, plus every manifest it planned and
    /// left undone. Repositories the run did not read keep what they had.
    public func updated(inventory: Inventory, result: ExecutionResult?) -> Leftovers {
        var remaining: [String: Set<Digest>] = manifests.mapValues(Set.init)
        for repository in inventory.repositories {
            remaining[repository.name]?.subtract(repository.leftovers.settled)
        }
        for item in result?.items ?? [] {
            guard case .manifest(let digest) = item.target else { continue }
            switch item.outcome {
            case .failed, .notDone: remaining[item.repository, default: []].insert(digest)
            case .deleted, .restored, .skipped: remaining[item.repository]?.remove(digest)
            }
        }
        return Leftovers(registry: registry, manifests: remaining.mapValues { $0.sorted() })
    }
}

/// What a load found of one repository's leftovers.
public struct LeftoverCheck: Sendable, Equatable {
    /// Still stored and reachable from no tag: put back in view as untagged manifests.
    public var present: Set<Digest> = []
    /// Need no remembering any more: gone, or reachable from a tag again.
    public var settled: Set<Digest> = []
    /// Referrers among them whose subject is gone: planned, not kept as "subject not in view".
    public var dangling: Set<Digest> = []

    public init(present: Set<Digest> = [], settled: Set<Digest> = [], dangling: Set<Digest> = []) {
        self.present = present
        self.settled = settled
        self.dangling = dangling
    }
}

/// The leftovers file of one registry: `$XDG_STATE_HOME/regsweep/leftovers-<registry>.json`, next
/// to the journals, readable by the user only.
public struct LeftoverStore: Sendable {
    public let path: String
    public let registry: String

    public init(path: String, registry: String) {
        self.path = path
        self.registry = registry
    }

    /// The store for `registry` under the state directory.
    public static func standard(
        registry: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> LeftoverStore {
        LeftoverStore(
            path: StateDirectory.path(environment: environment)
                + "/leftovers-\(StateDirectory.fileName(registry)).json",
            registry: registry)
    }

    /// What the last run left; none when there is no file. A file that cannot be read or parsed is
    /// an error: ignoring it would quietly lose what it records.
    public func load() throws(PurgeError) -> Leftovers {
        guard FileManager.default.fileExists(atPath: path) else { return Leftovers(registry: registry) }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let leftovers = try JSONDecoder().decode(Leftovers.self, from: data)
            return Leftovers(registry: registry, manifests: leftovers.manifests)
        } catch {
            throw PurgeError(
                .journal,
                "cannot read \(path), where the last run noted the manifests it left: \(error.localizedDescription); "
                    + "move it aside to go on (those manifests then stay until found by other means)")
        }
    }

    /// Replaces the file (atomically); removes it when nothing is left.
    public func save(_ leftovers: Leftovers) throws(PurgeError) {
        let url = URL(fileURLWithPath: path)
        do {
            if leftovers.isEmpty {
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(at: url) }
                return
            }
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let temporary = path + ".tmp"
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: try encoder.encode(leftovers), attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteNoPermission) }
            // rename(2) replaces the old file in one step: a crash leaves the old list or the new one.
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw PurgeError(
                .journal,
                "cannot write \(path), where this run notes the manifests it left: \(error.localizedDescription)")
        }
    }
}

/// Where regsweep keeps state between runs: `$XDG_STATE_HOME/regsweep`, else `~/.local/state/regsweep`.
public enum StateDirectory {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/state")
        return base + "/regsweep"
    }

    /// A registry name as part of a file name: letters, digits, `.` and `-`; anything else `_`.
    public static func fileName(_ registry: String) -> String {
        String(registry.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }
}
