import Purge
import RegistryClient

extension BrowserModel {
    /// Moves the selection of the focused list, or scrolls the overlay that has the keys.
    mutating func move(by delta: Int, in context: KeyContext) {
        switch overlay {
        case .help(let scroll):
            overlay = .help(scroll: Self.clampedScroll(scroll, by: delta))
            return
        case .result(let result, let scroll):
            overlay = .result(result, scroll: Self.clampedScroll(scroll, by: delta))
            return
        case .export(let format, let scroll):
            overlay = .export(format, scroll: Self.clampedScroll(scroll, by: delta))
            return
        case .schedule(let format, let scroll):
            overlay = .schedule(format, scroll: Self.clampedScroll(scroll, by: delta))
            return
        case .writePolicy(var state):
            state.scroll = max(0, min(Self.clampedScroll(state.scroll, by: delta), max(0, state.diff.count - 1)))
            overlay = .writePolicy(state)
            return
        default:
            break
        }
        guard context == .browse else { return }
        switch focus {
        case .repositories:
            let names = visibleRepositories
            guard !names.isEmpty else { return }
            let index = selectedRepository.flatMap { names.firstIndex(of: $0) } ?? 0
            let target = Self.clamp(index, by: delta, count: names.count)
            if names[target] != selectedRepository {
                selectedRepository = names[target]
                selectedTag = nil
                selectedManifest = nil
                listScroll = 0
                listSearch = ""
            }
        case .list:
            let index = selectedListIndex ?? 0
            switch listView {
            case .tags:
                let tags = visibleTags
                guard !tags.isEmpty else { return }
                selectedTag = tags[Self.clamp(index, by: delta, count: tags.count)].tag
            case .manifests:
                let manifests = visibleManifests
                guard !manifests.isEmpty else { return }
                selectedManifest = manifests[Self.clamp(index, by: delta, count: manifests.count)].digest
            }
        }
    }

    /// `index + delta` kept inside `0..<count`.
    static func clamp(_ index: Int, by delta: Int, count: Int) -> Int {
        let (sum, overflow) = index.addingReportingOverflow(delta)
        let target = overflow ? (delta < 0 ? 0 : count - 1) : sum
        return max(0, min(count - 1, target))
    }

    /// An overlay's scroll offset moved by `delta`, never below zero (rendering caps the bottom).
    static func clampedScroll(_ scroll: Int, by delta: Int) -> Int {
        let (sum, overflow) = scroll.addingReportingOverflow(delta)
        return overflow ? (delta < 0 ? 0 : Int.max / 4) : max(0, min(sum, Int.max / 4))
    }

    /// Rows in a page of the focused list or overlay.
    func pageSize(in context: KeyContext) -> Int {
        let layout = BrowserLayout(size: size, composerHeight: composerHeight)
        switch context {
        case .browse:
            return BrowserLayout.itemRows(focus == .repositories ? layout.repositories : layout.list)
        default:
            return max(1, size.height - 8)
        }
    }

    /// Enter: from the repositories into the tags.
    mutating func open() {
        if focus == .repositories { focus = .list }
    }

    /// Esc: clear the search of the focused list, else go back to the repositories.
    mutating func back() {
        switch focus {
        case .list:
            if !listSearch.isEmpty {
                listSearch = ""
            } else {
                focus = .repositories
            }
        case .repositories:
            if !repositorySearch.isEmpty { repositorySearch = "" }
        }
    }

    /// `s`: the next sort order of the focused list.
    mutating func cycleSort() {
        switch focus {
        case .repositories:
            repositorySort = repositorySort.next
            flash = Flash("Repositories sorted by \(repositorySort.label)")
        case .list:
            listSort = listSort.next
            flash = Flash("\(listView == .tags ? "Tags" : "Manifests") sorted by \(listSort.label)")
        }
    }

    /// `m`: tags or manifests in the right-hand list.
    mutating func toggleListView() {
        listView = listView == .tags ? .manifests : .tags
        listScroll = 0
        listSearch = ""
        // Keep looking at the same thing: the manifest of the selected tag, or a tag of the manifest.
        switch listView {
        case .manifests:
            selectedManifest = selectedTagVerdict?.digest
        case .tags:
            selectedTag = selectedManifestVerdict?.tags.first
        }
    }

    /// Applies the search being typed to the focused list.
    mutating func applySearch(_ text: String) {
        switch focus {
        case .repositories: repositorySearch = text
        case .list: listSearch = text
        }
    }

    /// Esc while searching: the search goes, the list shows everything again.
    mutating func cancelSearch() {
        searchInput = nil
        applySearch("")
    }

    /// Tab in the export view.
    mutating func switchFormat(forward: Bool) {
        switch overlay {
        case .export(let format, _): overlay = .export(forward ? format.next : format.previous, scroll: 0)
        case .schedule(let format, _): overlay = .schedule(forward ? format.next : format.previous, scroll: 0)
        default: break
        }
    }

    /// Space: marks the selected tag by hand, to take it out of the plan or put it in; again to unmark.
    mutating func toggleMark() {
        guard focus == .list, listView == .tags else {
            flash = Flash("Marks are for tags: open a repository's tags (enter) and press space on one.")
            return
        }
        guard let repository = selectedRepository, let verdict = selectedTagVerdict else { return }
        // Whether a mark includes or excludes follows the verdict shown; under a policy whose plan is
        // still being made, that verdict may be about to flip.
        if isPlanning, plan.retention != retention ?? Self.emptyRetention {
            flash = Flash(
                "Still planning\(Theme(unicode: configuration.supportsUnicode).ellipsis) press space again in a moment.",
                kind: .warning)
            return
        }
        if let index = marks.firstIndex(where: { $0.repository == repository && $0.tag == verdict.tag }) {
            marks.remove(at: index)
            flash = Flash("Unmarked \(repository):\(verdict.tag): the filter decides again")
        } else if case .protected(let rule) = verdict.reason {
            flash = Flash(
                "\(repository):\(verdict.tag) is protected by --protect \(rule); marks do not override it",
                kind: .warning)
            return
        } else {
            let kind: HandMark.Kind = verdict.action == .delete ? .exclude : .include
            marks.append(HandMark(repository: repository, tag: verdict.tag, kind: kind))
            flash = Flash(
                kind == .include
                    ? "Marked \(repository):\(verdict.tag) for deletion"
                    : "Excluded \(repository):\(verdict.tag) from the plan")
        }
        replan()
    }
}
