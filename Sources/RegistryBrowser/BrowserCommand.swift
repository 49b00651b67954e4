import Purge

/// An effect `update` asks the run loop to carry out; results come back as `BrowserMessage`s.
public enum BrowserCommand: Sendable {
    /// List the registry's repositories (`_catalog`).
    case listRepositories
    /// Find out what the registry can do, probing on `repository`.
    case probeCapabilities(repository: String)
    /// Count the tags of repositories that are not loaded yet (one cheap request each).
    case countTags(repositories: [String])
    /// Load one repository fully, reporting progress.
    case loadRepository(String)
    /// Read the labels of an image's config (the content cache first, else the registry) for the
    /// details pane; answered by `.labelsRead` or `.labelsUnreadable`.
    case readLabels(repository: String, config: BlobRef)
    /// Make a plan off the UI loop and send it back as `.planned`. A newer request supersedes this one:
    /// the runner may skip it if it has not started.
    case plan(PlanRequest)
    /// Run the purge executor on a confirmed plan.
    case execute(ExecutionRequest)
    /// Interrupt the running execution (it stops between items).
    case stopExecution
    /// Make the policy file's new text from the rules (as `.policyRendered`), for the diff.
    case renderPolicy(PolicyWrite)
    /// Put the new text on disk, if the file still holds what was read (answered by
    /// `.policyWritten` or `.policyWriteFailed`).
    case writePolicy(PolicyWrite)
    /// Hand the terminal back to the shell and stop the process (Ctrl-Z).
    case suspend
    /// Repaint every cell (Ctrl-L), after something else wrote to the terminal.
    case redraw
    /// Leave the browser.
    case quit
}

extension BrowserCommand: CustomStringConvertible {
    /// A short, stable label, for tests and logs.
    public var description: String {
        switch self {
        case .listRepositories: return "list repositories"
        case .probeCapabilities(let repository): return "probe \(repository)"
        case .countTags(let repositories): return "count tags \(repositories.joined(separator: ","))"
        case .loadRepository(let name): return "load \(name)"
        case .readLabels(let repository, let config): return "read labels \(repository)@\(config.digest.short)"
        case .plan(let request): return "plan \(request.generation)"
        case .execute(let request):
            return "execute \(request.plan.tagCount) tags \(request.plan.manifestCount) manifests"
        case .stopExecution: return "stop execution"
        case .renderPolicy(let write): return "render policy \(write.path)"
        case .writePolicy(let write): return "write policy \(write.path)"
        case .suspend: return "suspend"
        case .redraw: return "redraw"
        case .quit: return "quit"
        }
    }
}
