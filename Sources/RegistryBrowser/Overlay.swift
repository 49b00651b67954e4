import Purge

/// What covers the panes, if anything: dialogs, the help, the export and result views.
public enum Overlay: Sendable {
    /// The help overlay, scrolled by `scroll` lines.
    case help(scroll: Int)
    case confirm(ConfirmState)
    /// The deletion's progress bar.
    case progress
    /// "Stop the deletion?" on top of the progress bar.
    case interrupt
    /// What the deletion did, scrolled by `scroll` lines.
    case result(ExecutionResult, scroll: Int)
    /// The policy as a command to copy.
    case export(ExportFormat, scroll: Int)

    /// The key context while this overlay is shown.
    var context: KeyContext {
        switch self {
        case .help: return .help
        case .confirm: return .confirm
        case .progress: return .progress
        case .interrupt: return .interrupt
        case .result: return .result
        case .export: return .export
        }
    }
}
