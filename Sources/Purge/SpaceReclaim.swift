/// How a registry gives back the space of what was deleted, so that reports do not promise
/// storage that is not free yet.
///
/// Deleting a manifest only unlinks it: on CNCF distribution (and registries built on it) the
/// layers stay on disk until an offline garbage collection. ACR frees space on its own.
public enum SpaceReclaim: Sendable, Equatable {
    /// Freed only when the registry's garbage collection runs.
    case garbageCollection
    /// The registry frees the space itself, named here for the message.
    case automatic(registry: String)

    /// The kind for a registry host: ACR by its domain, every other registry by garbage collection
    /// (what distribution, zot and Harbor's registry do).
    public static func of(registry host: String) -> SpaceReclaim {
        let bare = host.split(separator: ":").first.map { $0.lowercased() } ?? host.lowercased()
        return bare.hasSuffix(".azurecr.io") ? .automatic(registry: "ACR") : .garbageCollection
    }

    /// "~N freed" in the header and the confirmation: when the space actually comes back.
    public var freedSuffix: String {
        switch self {
        case .garbageCollection: return " after garbage collection"
        case .automatic: return ""
        }
    }

    /// The note after a run that deleted something.
    public var note: String {
        switch self {
        case .garbageCollection:
            return "Space is not freed yet: the registry frees it when its garbage collection runs. On distribution "
                + "(docker-registry) run `registry garbage-collect CONFIG.yml` with the registry stopped or read-only "
                + "(on 2.x avoid --delete-untagged: it can break multi-arch images); Harbor runs it from its GC "
                + "schedule. Until then `regsweep restore` can still put everything back."
        case .automatic(let registry):
            return "\(registry) frees the space on its own; deleted data cannot be restored once it has."
        }
    }
}
