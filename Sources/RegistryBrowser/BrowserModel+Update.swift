import Foundation
import Purge
import RegistryClient

extension BrowserModel {
    /// Applies a message and returns the effects to run. The only way the state changes.
    public mutating func update(_ message: BrowserMessage) -> [BrowserCommand] {
        var commands: [BrowserCommand] = []
        switch message {
        case .key(let key):
            commands = handle(key: key)
        case .resized(let newSize):
            size = newSize
        case .tick(let date):
            now = date
        case .repositoriesListed(let names):
            commands = receive(repositories: names)
        case .listingFailed(let error):
            listingError = error
        case .capabilitiesFound(let found):
            capabilities = found
            capabilitiesError = nil
        case .capabilitiesFailed(let error):
            capabilitiesError = error
        case .tagsCounted(let repository, let count):
            tagCounts[repository] = count
        case .loadProgress(let progress):
            if isLoading(progress.repository) { loads[progress.repository] = .loading(progress) }
        case .repositoryLoaded(let repository):
            loaded[repository.name] = repository
            tagCounts[repository.name] = repository.tags.count
            loads[repository.name] = nil
            replan()
        case .repositoryFailed(let repository, let error):
            loads[repository] = .failed(error)
        case .labelsRead(let config, let found):
            labels.store(config, .read(found))
        case .labelsUnreadable(let config, let reason):
            labels.store(config, .unreadable(reason))
        case .execution(let event):
            record(event)
        case .executionFinished(let result):
            commands = finish(result)
        case .executionFailed(let error):
            execution = nil
            overlay = nil
            flash = Flash("The deletion did not start: \(error)", kind: .warning)
        case .policyRendered(let write):
            receiveRendered(write)
        case .policyWritten(let write):
            receiveWritten(write)
        case .policyWriteFailed(let error):
            flash = Flash("The policy file was not written: \(error)", kind: .warning)
        case .planned(let result):
            planning.receive(result)
            if deleteWhenPlanned && !isPlanning {
                deleteWhenPlanned = false
                flash = nil
                if context == .browse { requestDelete() }
            }
        }
        if needsPlan {
            needsPlan = false
            commands.append(.plan(planRequest()))
        }
        return commands + settle()
    }

    /// The catalog arrived: probe what the registry can do, count tags, and load what is needed.
    mutating func receive(repositories names: [String]) -> [BrowserCommand] {
        repositoryNames = names.sorted()
        listingError = nil
        // Repositories that vanished (all their tags deleted) leave the inventory too.
        let vanished = loaded.keys.filter { !names.contains($0) }
        for name in vanished { loaded[name] = nil }
        if !vanished.isEmpty { replan() }
        var commands: [BrowserCommand] = []
        if capabilities == nil, let first = repositoryNames?.first {
            commands.append(.probeCapabilities(repository: first))
        }
        let uncounted = names.sorted().filter { loaded[$0] == nil && tagCounts[$0] == nil }
        if !uncounted.isEmpty { commands.append(.countTags(repositories: uncounted)) }
        return commands
    }

    /// Keeps the selection on a visible row and in view, and asks for what is needed: the labels of
    /// the image the details pane shows, the selected repository, and every one the policy selects
    /// (they load in the background).
    mutating func settle() -> [BrowserCommand] {
        normalizeSelection()
        scrollIntoView()
        let labelRequests = requestLabels()
        // Loads wait for the capability probe: it decides whether they use the referrers API.
        guard execution == nil, capabilities != nil || capabilitiesError != nil else { return labelRequests }
        var wanted: [String] = []
        // The selected repository is what the user looks at: it never waits for a free slot.
        if let selectedRepository, loaded[selectedRepository] == nil, loads[selectedRepository] == nil {
            wanted.append(selectedRepository)
        }
        // The others load a few at a time, so that `.*:.*` on a large registry does not start them all.
        var slots = Self.backgroundLoads - loads.values.filter { if case .loading = $0 { true } else { false } }.count
        for name in pendingRepositories where slots > 0 && loads[name] == nil && !wanted.contains(name) {
            wanted.append(name)
            slots -= 1
        }
        for name in wanted { loads[name] = .loading(nil) }
        return labelRequests + wanted.map { .loadRepository($0) }
    }

    /// Asks for the labels of the image the details pane shows, once per config.
    mutating func requestLabels() -> [BrowserCommand] {
        guard let repository = selectedRepository, let record = detailsRecord, record.kind == .image,
            let config = record.blobs.first, labels.request(config.digest)
        else { return [] }
        return [.readLabels(repository: repository, config: config)]
    }

    /// How many repositories load at once in the background.
    static let backgroundLoads = 3

    /// Puts the selection on a visible row when its row went away (search, reload, re-sort).
    mutating func normalizeSelection() {
        let repositories = visibleRepositories
        if selectedRepository.map({ !repositories.contains($0) }) ?? true {
            selectedRepository = repositories.first
            selectedTag = nil
            selectedManifest = nil
        }
        switch listView {
        case .tags:
            let tags = visibleTags
            if selectedTag.map({ tag in !tags.contains { $0.tag == tag } }) ?? true { selectedTag = tags.first?.tag }
        case .manifests:
            let manifests = visibleManifests
            if selectedManifest.map({ digest in !manifests.contains { $0.digest == digest } }) ?? true {
                selectedManifest = manifests.first?.digest
            }
        }
    }

    /// Scrolls each list so that its selected row is on screen.
    mutating func scrollIntoView() {
        let layout = BrowserLayout(size: size, composerHeight: composerHeight)
        let repositories = visibleRepositories
        let repositoryIndex = selectedRepository.flatMap { repositories.firstIndex(of: $0) } ?? 0
        repositoryScroll = Self.scroll(
            repositoryScroll, index: repositoryIndex, count: repositories.count,
            rows: BrowserLayout.itemRows(layout.repositories))
        listScroll = Self.scroll(
            listScroll, index: selectedListIndex ?? 0, count: visibleListCount,
            rows: BrowserLayout.itemRows(layout.list))
    }

    /// The index of the selected row in the right-hand list.
    var selectedListIndex: Int? {
        switch listView {
        case .tags: return selectedTag.flatMap { tag in visibleTags.firstIndex { $0.tag == tag } }
        case .manifests:
            return selectedManifest.flatMap { digest in visibleManifests.firstIndex { $0.digest == digest } }
        }
    }

    /// The first row to show so that `index` is visible, moving the old offset as little as possible.
    static func scroll(_ offset: Int, index: Int, count: Int, rows: Int) -> Int {
        var offset = offset
        if index < offset { offset = index }
        if index >= offset + rows { offset = index - rows + 1 }
        return max(0, min(offset, count - rows))
    }
}
