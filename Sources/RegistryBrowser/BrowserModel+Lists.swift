import Foundation
import Purge
import RegistryClient

extension BrowserModel {
    /// The repositories the left pane shows: searched, then sorted.
    public var visibleRepositories: [String] {
        let names = (repositoryNames ?? []).filter { Self.matches($0, search: repositorySearch) }
        switch repositorySort {
        case .name:
            return names
        case .age:
            return names.sorted { Planner.newestFirst(($0, newestTime(of: $0)), ($1, newestTime(of: $1))) }
        case .size:
            return names.sorted { Self.largestFirst(($0, totalSize(of: $0)), ($1, totalSize(of: $1))) }
        }
    }

    /// The plan for the selected repository, when it is loaded.
    public var selectedRepositoryPlan: RepositoryPlan? {
        selectedRepository.flatMap { plan[$0] }
    }

    /// The selected repository's inventory, when loaded.
    public var selectedInventory: RepositoryInventory? {
        selectedRepository.flatMap { loaded[$0] }
    }

    /// The tags the list shows for the selected repository: searched, then sorted.
    public var visibleTags: [TagVerdict] {
        guard let repositoryPlan = selectedRepositoryPlan else { return [] }
        let inventory = selectedInventory
        // Without a search the plan's array is shared, not copied: this runs several times per key.
        let tags =
            listSearch.isEmpty
            ? repositoryPlan.tags : repositoryPlan.tags.filter { Self.matches($0.tag, search: listSearch) }
        switch listSort {
        case .name:
            return tags.sorted { $0.tag < $1.tag }
        case .age:
            return tags  // The plan's order: newest first, ties by name, unknown ages last.
        case .size:
            return tags.sorted {
                Self.largestFirst(
                    ($0.tag, inventory?.manifests[$0.digest]?.totalSize),
                    ($1.tag, inventory?.manifests[$1.digest]?.totalSize))
            }
        }
    }

    /// The manifests the list shows for the selected repository: searched, then sorted.
    public var visibleManifests: [ManifestVerdict] {
        guard let repositoryPlan = selectedRepositoryPlan else { return [] }
        let inventory = selectedInventory
        let manifests =
            listSearch.isEmpty
            ? repositoryPlan.manifests
            : repositoryPlan.manifests.filter { manifest in
                Self.matches(manifest.digest.description, search: listSearch)
                    || manifest.tags.contains { Self.matches($0, search: listSearch) }
            }
        switch listSort {
        case .name:
            return manifests
        case .age:
            return manifests.sorted {
                Planner.newestFirst(
                    ($0.digest.description, inventory?.manifests[$0.digest]?.time.date),
                    ($1.digest.description, inventory?.manifests[$1.digest]?.time.date))
            }
        case .size:
            return manifests.sorted {
                Self.largestFirst(
                    ($0.digest.description, inventory?.manifests[$0.digest]?.totalSize),
                    ($1.digest.description, inventory?.manifests[$1.digest]?.totalSize))
            }
        }
    }

    /// The number of rows the right-hand list has.
    var visibleListCount: Int {
        listView == .tags ? visibleTags.count : visibleManifests.count
    }

    /// The manifest the details pane describes: the selected tag's, or the selected manifest.
    /// By dictionary, not through the verdicts: `settle` asks after every message.
    var detailsRecord: ManifestRecord? {
        guard let inventory = selectedInventory else { return nil }
        switch listView {
        case .tags: return selectedTag.flatMap { inventory.tags[$0] }.flatMap { inventory.manifests[$0] }
        case .manifests: return selectedManifest.flatMap { inventory.manifests[$0] }
        }
    }

    /// The selected tag's verdict, when the tags list shows it.
    public var selectedTagVerdict: TagVerdict? {
        guard let selectedTag else { return nil }
        return selectedRepositoryPlan?.tags.first { $0.tag == selectedTag }
    }

    /// The selected manifest's verdict.
    public var selectedManifestVerdict: ManifestVerdict? {
        guard let selectedManifest else { return nil }
        return selectedRepositoryPlan?.manifests.first { $0.digest == selectedManifest }
    }

    /// The number of tags of a repository: from its inventory, else from the cheap count.
    public func tagCount(of repository: String) -> Int? {
        loaded[repository]?.tags.count ?? tagCounts[repository]
    }

    /// How many of a repository's tags the plan deletes; nil until it is loaded.
    public func tagsToDelete(in repository: String) -> Int? {
        guard loaded[repository] != nil else { return nil }
        return planTotals.tagsToDelete[repository]
    }

    /// Whether the policy in force selects the repository.
    public func isSelectedByPolicy(_ repository: String) -> Bool {
        retention?.selects(repository: repository) ?? false
    }

    /// Repositories the policy selects that are not loaded yet (they load in the background).
    public var pendingRepositories: [String] {
        (repositoryNames ?? []).filter { isSelectedByPolicy($0) && loaded[$0] == nil && !isFailed($0) }
    }

    func isFailed(_ repository: String) -> Bool {
        if case .failed = loads[repository] { return true }
        return false
    }

    func isLoading(_ repository: String) -> Bool {
        if case .loading = loads[repository] { return true }
        return false
    }

    func newestTime(of repository: String) -> Date? {
        loaded[repository]?.manifests.values.compactMap(\.time.date).max()
    }

    func totalSize(of repository: String) -> Int64? {
        loaded[repository].map { $0.manifests.values.reduce(0) { $0 + $1.totalSize } }
    }

    static func matches(_ text: String, search: String) -> Bool {
        search.isEmpty || text.range(of: search, options: .caseInsensitive) != nil
    }

    /// Largest first, unknown sizes last, ties by name.
    static func largestFirst(_ a: (name: String, size: Int64?), _ b: (name: String, size: Int64?)) -> Bool {
        switch (a.size, b.size) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.name < b.name
        }
    }
}
