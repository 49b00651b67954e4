import Foundation
import Purge
import RegistryClient
import TUICore

/// Everything that can happen to the browser: a key, a new terminal size, time passing, or the
/// result of an effect coming back from the run loop.
public enum BrowserMessage: Sendable {
    /// The user pressed a key.
    case key(Key)
    /// The terminal has a new size.
    case resized(Size)
    /// Time passed; drives the spinner and the deletion rate. Does not re-plan.
    case tick(Date)
    /// The registry's repositories, from the catalog.
    case repositoriesListed([String])
    /// The catalog could not be read.
    case listingFailed(String)
    /// What the registry can do (probed on the first repository).
    case capabilitiesFound(RegistryCapabilities)
    /// The capabilities probe failed; the header says so.
    case capabilitiesFailed(String)
    /// A cheap tag count for a repository that is not loaded yet.
    case tagsCounted(repository: String, count: Int)
    /// A repository load made progress.
    case loadProgress(InventoryProgress)
    /// A repository is fully loaded (tags, manifests, configs, referrers).
    case repositoryLoaded(RepositoryInventory)
    /// A repository could not be loaded.
    case repositoryFailed(repository: String, error: String)
    /// The labels of an image config, for the details pane.
    case labelsRead(config: Digest, labels: [String: String])
    /// An image config could not be read or parsed: why, in a few words.
    case labelsUnreadable(config: Digest, reason: String)
    /// The purge executor reported progress.
    case execution(ExecutionEvent)
    /// The purge executor finished (or was interrupted).
    case executionFinished(ExecutionResult)
    /// The deletion could not start (for example the journal could not be written).
    case executionFailed(String)
    /// A plan asked for with `BrowserCommand.plan` is made; shown unless a newer one is already.
    case planned(PlanResult)
    /// The policy file's new text was made (`write.text`), to show as a diff.
    case policyRendered(PolicyWrite)
    /// The policy file was written.
    case policyWritten(PolicyWrite)
    /// The policy file could not be made or written; nothing on disk changed.
    case policyWriteFailed(String)
}
