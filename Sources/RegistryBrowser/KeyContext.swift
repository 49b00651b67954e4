/// Where keys go: the screen or overlay that has the keyboard. Each binding names the contexts it
/// works in, so one table drives dispatch, footer hints and the help overlay.
public enum KeyContext: Sendable, Hashable, CaseIterable {
    /// The panes: repositories, tags or manifests, details.
    case browse
    /// The filter composer.
    case composer
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

    /// The heading of this context's section in the help overlay.
    public var title: String {
        switch self {
        case .browse: return "Browsing"
        case .composer: return "Filter composer (f or :)"
        case .search: return "Search (/)"
        case .help: return "Help"
        case .confirm: return "Delete confirmation (D)"
        case .progress: return "While deleting"
        case .interrupt: return "Stop confirmation"
        case .result: return "Result"
        case .export: return "Export (e)"
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
