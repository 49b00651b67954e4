import Foundation
import Purge
import RegistryClient
import TUICore

/// The browser's whole state. `update` changes it and returns effects; `render(into:)` draws it.
///
/// The model never performs I/O: loading, deleting and quitting are `BrowserCommand`s that the run
/// loop carries out, and their results come back as `BrowserMessage`s. That keeps every key path
/// testable without a terminal or a registry.
public struct BrowserModel: Sendable {
    public let configuration: BrowserConfiguration
    /// The terminal's size.
    public internal(set) var size: Size
    /// The wall clock, advanced by ticks (the spinner, the deletion rate). Plans use it when made.
    public internal(set) var now: Date

    // The registry.
    /// The repositories from the catalog, sorted by name; nil until listed.
    public internal(set) var repositoryNames: [String]?
    public internal(set) var listingError: String?
    public internal(set) var capabilities: RegistryCapabilities?
    public internal(set) var capabilitiesError: String?
    /// Tag counts of repositories that are not loaded yet.
    public internal(set) var tagCounts: [String: Int] = [:]
    /// Fully loaded repositories, by name.
    public internal(set) var loaded: [String: RepositoryInventory] = [:]
    /// Loads in flight or failed, by name.
    public internal(set) var loads: [String: LoadState] = [:]

    // The policy and the plan.
    /// The composer's contents.
    public internal(set) var draft: RetentionDraft
    /// What is wrong with the draft; empty when it is the policy in force.
    public internal(set) var draftErrors: [DraftError] = []
    /// The last valid policy; nil until there is one (then nothing is planned).
    public internal(set) var retention: RetentionPolicy?
    /// The policy file being edited, as last read or written; nil without `--policy`.
    public internal(set) var policyFile: PolicyFileSource?
    /// Tags marked by hand.
    public internal(set) var marks: [HandMark] = []
    /// The labels of the image configs the details pane has shown.
    public internal(set) var labels = LabelShelf()
    /// The plan on screen and the newest one asked for; every change asks for a new one.
    public internal(set) var planning: PlanState
    /// Set by `replan()`; `update` turns it into one plan request after the message is applied, so a
    /// message that changes several things asks for one plan, made from the final state.
    var needsPlan = false
    /// `D` came while a plan was being made: the confirmation opens when it arrives, unless a key
    /// comes first.
    var deleteWhenPlanned = false

    // The screen.
    public internal(set) var focus: BrowserPane = .repositories
    public internal(set) var listView: ListView = .tags
    public internal(set) var repositorySort: SortOrder = .name
    public internal(set) var listSort: SortOrder = .age
    /// The search typed for each pane (empty: no search).
    public internal(set) var repositorySearch = ""
    public internal(set) var listSearch = ""
    /// The search line being edited, when `/` was pressed.
    public internal(set) var searchInput: TextInput?
    /// The composer, when open: the focused field, its text, and the draft to go back to on esc.
    public internal(set) var composer: ComposerState?
    public internal(set) var overlay: Overlay?
    public internal(set) var execution: ExecutionProgress?
    public internal(set) var flash: Flash?

    // Selection, kept by identity so that re-sorting and re-planning do not move it.
    public internal(set) var selectedRepository: String?
    public internal(set) var selectedTag: String?
    public internal(set) var selectedManifest: Digest?
    public internal(set) var repositoryScroll = 0
    public internal(set) var listScroll = 0

    /// Whether the run loop should stop.
    public internal(set) var isQuitting = false

    /// The smallest terminal the layout is made for.
    public static let minimumSize = Size(width: 80, height: 24)

    public init(configuration: BrowserConfiguration, size: Size, now: Date) {
        self.configuration = configuration
        self.size = size
        self.now = now
        self.draft = configuration.draft
        policyFile = configuration.policyFile
        let validation = configuration.draft.validate()
        retention = validation.retention
        // Flags that were never given are not an error yet: the composer says what is missing when opened.
        draftErrors = configuration.draft.isEmpty ? [] : validation.errors
        // Nothing is loaded yet, so this first plan is empty and cheap: made here, not sent out.
        let first = PlanRequest(
            generation: 0, inventory: Inventory(registry: configuration.registry, repositories: []),
            retention: validation.retention ?? Self.emptyRetention, now: now, marks: [])
        planning = PlanState(first.make())
    }

    /// The commands to run when the browser starts.
    public func start() -> [BrowserCommand] {
        [.listRepositories]
    }

    /// A policy that selects nothing, so hand marks still work before any filter is typed.
    static let emptyRetention = RetentionPolicy(PurgePolicy(filters: [], ago: nil))

    /// The key context: the overlay's, else the search line's, else the composer's, else browsing.
    public var context: KeyContext {
        if let overlay { return overlay.context }
        if searchInput != nil { return .search }
        if let composer { return composer.field == .rules ? .rules : .composer }
        return .browse
    }

    /// The loaded repositories as the planner and the executor see them.
    public var inventory: Inventory {
        Inventory(registry: configuration.registry, repositories: loaded.values.sorted { $0.name < $1.name })
    }

    /// Whether the terminal is below the minimum size.
    public var isTooSmall: Bool {
        size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
    }

    /// The plan on screen: the newest that arrived, possibly older than the policy in force while
    /// `isPlanning`.
    public var plan: PurgePlan { planning.current.plan }

    /// The shown plan's totals, counted once when it was made.
    public var planTotals: PlanTotals { planning.current.totals }

    /// Whether a newer plan is being made than the one on screen.
    public var isPlanning: Bool { planning.isPlanning }

    /// Asks for a new plan from what is loaded, the policy in force and the hand marks. The plan is
    /// made off the UI loop; `update` sends the request once the message is applied.
    mutating func replan() {
        needsPlan = true
    }

    /// The request for a plan of the current state, numbered after every earlier one.
    mutating func planRequest() -> PlanRequest {
        PlanRequest(
            generation: planning.nextGeneration(), inventory: inventory, retention: retention ?? Self.emptyRetention,
            now: now, marks: marks)
    }
}
