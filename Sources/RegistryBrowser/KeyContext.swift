/// Where keys go: the screen or overlay that has the keyboard. Each binding names the contexts it
/// works in, so one table drives dispatch, footer hints and the help overlay.
public enum KeyContext: Sendable, Hashable, CaseIterable {
    /// The panes: repositories, tags or manifests, details.
    case browse
    /// The filter composer.
    case composer
    /// A policy file's rule list, the composer's first row.
    case rules
    /// Typing a search in the focused list.
    case search
    /// The help overlay.
    case help
    /// The delete confirmation dialog.
    case confirm
    /// A deletion is running.
    case progress
    /// The second confirmation before a running deletion is stopped.
    case interrupt
    /// What the deletion did.
    case result
    /// The policy as commands to copy.
    case export
    /// The diff of a policy file write-back, before it is written.
    case writePolicy

    /// The heading of this context's section in the help overlay.
    public var title: String {
        switch self {
        case .browse: return "Browsing"
        case .composer: return "Filter composer (f or :)"
        case .rules: return "Policy rules (browse --policy FILE, then f)"
        case .search: return "Search (/)"
        case .help: return "Help"
        case .confirm: return "Delete confirmation (D)"
        case .progress: return "While deleting"
        case .interrupt: return "Stop confirmation"
        case .result: return "Result"
        case .export: return "Export (e)"
        case .writePolicy: return "Write the policy file (w)"
        }
    }

    /// Whether unbound printable keys are typed as text here.
    var acceptsText: Bool {
        switch self {
        case .composer, .search, .confirm: return true
        default: return false
        }
    }
}
