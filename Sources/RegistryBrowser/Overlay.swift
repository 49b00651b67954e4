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
    /// A policy file's schedules to copy (the browser on `--policy FILE`).
    case schedule(SchedulerFormat, scroll: Int)
    /// The diff of a policy file write-back, waiting for y or n.
    case writePolicy(PolicyWriteState)

    /// The key context while this overlay is shown.
    var context: KeyContext {
        switch self {
        case .help: return .help
        case .confirm: return .confirm
        case .progress: return .progress
        case .interrupt: return .interrupt
        case .result: return .result
        case .export, .schedule: return .export
        case .writePolicy: return .writePolicy
        }
    }
}
