import Purge
import RegistryClient

/// The numbers the header, the status line and the repository list show, counted once per plan.
///
/// Frames are drawn far more often than plans are made; walking every verdict per frame made the
/// browser slow to move at 100,000 tags even when nothing changed.
public struct PlanTotals: Sendable, Equatable {
    public var tagCount: Int
    public var manifestCount: Int
    /// Repositories where anything is deleted.
    public var affectedRepositoryCount: Int
    /// Tags deleted per repository, for every planned repository (0 included).
    public var tagsToDelete: [String: Int]
    /// Where the ages of the planned tags come from, with how many tags each.
    public var ageSources: [TagTime.Source: Int]

    public init(plan: PurgePlan, inventory: Inventory) {
        var tagCount = 0
        var manifestCount = 0
        var affected = 0
        var perRepository: [String: Int] = [:]
        for repository in plan.repositories {
            let tags = repository.tags.reduce(0) { $0 + ($1.action == .delete ? 1 : 0) }
            let manifests = repository.manifests.reduce(0) { $0 + ($1.action == .delete ? 1 : 0) }
            tagCount += tags
            manifestCount += manifests
            if tags + manifests > 0 { affected += 1 }
            perRepository[repository.name] = tags
        }
        var sources: [TagTime.Source: Int] = [:]
        for repository in inventory.repositories {
            for tag in repository.tags.keys { sources[repository.time(ofTag: tag).source, default: 0] += 1 }
        }
        self.tagCount = tagCount
        self.manifestCount = manifestCount
        self.affectedRepositoryCount = affected
        self.tagsToDelete = perRepository
        self.ageSources = sources
    }

    public var isEmpty: Bool { tagCount == 0 && manifestCount == 0 }
}
