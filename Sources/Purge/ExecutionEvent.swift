import RegistryClient

/// One thing the executor did or decided not to do.
public struct ExecutionItem: Sendable, Equatable {
    public enum Target: Sendable, Equatable, Hashable {
        case tag(String)
        case manifest(Digest)
    }

    public enum Outcome: Sendable, Equatable {
        case deleted
        /// Put back by `restore`.
        case restored
        /// Not deleted, on purpose: it moved since the plan, a kept tag now needs it, it is gone already…
        /// A safety decision, not a failure: the run still succeeds.
        case skipped(reason: String)
        /// Tried, and the registry or the network failed it.
        case failed(error: String)
        /// Planned but not tried, because of an error that stopped its repository (re-check failed,
        /// permission denied, deletion disabled) or because the run was interrupted. Left undone.
        case notDone(reason: String)

        /// A manifest or tag the registry no longer had when it was to go: gone as planned, by
        /// another hand or by an earlier DELETE of this run whose answer was lost on the way back.
        public static let alreadyGone = Outcome.skipped(reason: "already gone")

        /// Whether the item is out of the registry now: deleted, or found gone.
        public var isGone: Bool { self == .deleted || self == .alreadyGone }
    }

    public var repository: String
    public var target: Target
    public var outcome: Outcome

    public init(repository: String, target: Target, outcome: Outcome) {
        self.repository = repository
        self.target = target
        self.outcome = outcome
    }

    /// `registry/repo:tag` or `registry/repo@digest`.
    public func reference(registry: String) -> String {
        switch target {
        case .tag(let tag): return "\(registry)/\(repository):\(tag)"
        case .manifest(let digest): return "\(registry)/\(repository)@\(digest)"
        }
    }
}

/// Progress reports while a plan is executed.
public enum ExecutionEvent: Sendable {
    /// Work is about to start: this many deletions are planned.
    case started(total: Int)
    /// A repository is being re-checked before deleting in it.
    case checking(repository: String)
    case item(ExecutionItem)
    /// A repository stopped early (re-check failed, 401/403, deletion disabled); the rest of it is
    /// left undone.
    case repositoryStopped(repository: String, reason: String)
}

/// What a run did.
public struct ExecutionResult: Sendable {
    public var registry: String
    public var items: [ExecutionItem]
    public var journalPath: String?
    public var interrupted: Bool

    public init(registry: String, items: [ExecutionItem], journalPath: String?, interrupted: Bool) {
        self.registry = registry
        self.items = items
        self.journalPath = journalPath
        self.interrupted = interrupted
    }

    public var deletedTags: [ExecutionItem] { items.filter { $0.outcome == .deleted && $0.isTag } }
    public var deletedManifests: [ExecutionItem] { items.filter { $0.outcome == .deleted && !$0.isTag } }
    public var failures: [ExecutionItem] {
        items.filter { if case .failed = $0.outcome { return true } else { return false } }
    }
    public var skips: [ExecutionItem] {
        items.filter { if case .skipped = $0.outcome { return true } else { return false } }
    }
    /// Planned items not done because of an error or an interruption: failed or never tried.
    public var leftUndone: [ExecutionItem] {
        items.filter {
            switch $0.outcome {
            case .failed, .notDone: return true
            case .deleted, .restored, .skipped: return false
            }
        }
    }
    /// Planned items never tried: their repository stopped on an error, or the run was interrupted.
    public var notDone: [ExecutionItem] {
        items.filter { if case .notDone = $0.outcome { return true } else { return false } }
    }
    /// Whether everything planned was done or skipped for a safety reason.
    public var succeeded: Bool { leftUndone.isEmpty && !interrupted }
}

extension ExecutionItem {
    var isTag: Bool { target.isTag }
}

extension ExecutionItem.Target {
    /// Whether this is a tag rather than a manifest.
    public var isTag: Bool { if case .tag = self { return true } else { return false } }
}
