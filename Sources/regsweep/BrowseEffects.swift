import Foundation
import PolicyYAML
import Purge
import RegistryBrowser
import RegistryClient

/// Carries out the browser's commands against the registry and posts the results as messages.
///
/// Every method runs inside a child task of the session's task group (structured concurrency): quitting
/// cancels them, and the session does not end before they have.
final class BrowseEffects: @unchecked Sendable {
    let client: RegistryClient
    let mailbox: BrowseMailbox
    let cache: ContentCache
    private let lock = NSLock()
    /// Set by the probe before its message is posted; the model requests loads only after that message,
    /// so every load sees the capabilities (whether to use the referrers API).
    private var capabilities: RegistryCapabilities?
    /// Whether the user asked the deletion in flight to stop.
    /// Set by the user's stop; the executor checks it before each deletion.
    private let stop = StopSignal()
    /// Makes the plans the `.plan` commands ask for, one at a time; their child tasks share it.
    private let plans = PlanRunner()

    /// What earlier runs left where no tag reaches it (`Leftovers`): loads ask for those manifests
    /// by digest, and a deletion notes what it plans and then what it left.
    private let leftoverStore: LeftoverStore
    private var leftovers: Result<Leftovers, PurgeError>

    init(client: RegistryClient, mailbox: BrowseMailbox, cache: ContentCache) {
        self.client = client
        self.mailbox = mailbox
        self.cache = cache
        leftoverStore = LeftoverStore.standard(registry: client.endpoint.name)
        leftovers = Result { [leftoverStore] () throws(PurgeError) in try leftoverStore.load() }
    }

    /// Runs one command to completion. `quit`, `suspend` and `redraw` belong to the run loop.
    func run(_ command: BrowserCommand) async {
        switch command {
        case .listRepositories:
            do {
                mailbox.post(.repositoriesListed(try await client.repositories()))
            } catch {
                mailbox.post(.listingFailed(Self.describe(error)))
            }
        case .probeCapabilities(let repository):
            do {
                let found = try await client.capabilities(repository: repository)
                lock.withLock { capabilities = found }
                mailbox.post(.capabilitiesFound(found))
            } catch {
                mailbox.post(.capabilitiesFailed(Self.describe(error)))
            }
        case .countTags(let repositories):
            await countTags(repositories)
        case .loadRepository(let name):
            await load(name)
        case .readLabels(let repository, let config):
            await readLabels(repository: repository, config: config)
        case .plan(let request):
            await plan(request)
        case .execute(let request):
            await execute(request)
        case .stopExecution:
            stop.request()
        case .renderPolicy(var write):
            do {
                write.text = try PolicyFile.rendered(
                    write.document, path: write.path, original: write.original, origins: write.origins)
                mailbox.post(.policyRendered(write))
            } catch {
                mailbox.post(.policyWriteFailed(error.problems.map(\.message).joined(separator: "; ")))
            }
        case .writePolicy(let write):
            guard let text = write.text else { return }
            do {
                try PolicyFile.replace(path: write.path, with: text, expecting: write.original)
                mailbox.post(.policyWritten(write))
            } catch {
                mailbox.post(.policyWriteFailed(error.problems.map(\.message).joined(separator: "; ")))
            }
        case .quit, .suspend, .redraw:
            break
        }
    }

    /// One cheap tag listing per repository, a few at a time (the client bounds requests anyway).
    private func countTags(_ repositories: [String]) async {
        await withTaskGroup(of: Void.self) { group in
            for (index, repository) in repositories.enumerated() {
                if index >= 4 { await group.next() }
                group.addTask {
                    guard !Task.isCancelled, let tags = try? await self.client.tags(repository: repository) else {
                        return
                    }
                    let ordinary = tags.filter { !RepositoryInventory.isReferrerTag($0) }
                    self.mailbox.post(.tagsCounted(repository: repository, count: ordinary.count))
                }
            }
        }
    }

    private func load(_ name: String) async {
        let (capabilities, leftovers) = lock.withLock { (self.capabilities, try? self.leftovers.get()) }
        let loader = InventoryLoader(client: client, cache: cache, capabilities: capabilities, leftovers: leftovers)
        let mailbox = self.mailbox
        do {
            let repository = try await loader.load(repository: name) { mailbox.post(.loadProgress($0)) }
            mailbox.post(.repositoryLoaded(repository))
        } catch {
            mailbox.post(.repositoryFailed(repository: name, error: Self.describe(error)))
        }
    }

    /// Makes plans off the main actor: the task whose request found no plan running makes it and the
    /// ones that come in meanwhile; the other tasks leave their request and end at once.
    private func plan(_ request: PlanRequest) async {
        let mailbox = self.mailbox
        plans.run(request) { mailbox.post(.planned($0)) }
    }

    /// Runs the executor. A stop takes effect between items through the `StopSignal`: the request in
    /// flight finishes (cancelling the task would abort it and could leave a placeholder untag half
    /// done), and what was not started is reported as not done.
    private func execute(_ request: ExecutionRequest) async {
        let journal: Journal
        let before: Leftovers
        do {
            // A leftovers file that cannot be read stops the deletion: going on would forget what
            // it records, and what this run would orphan too.
            before = try lock.withLock { try leftovers.get() }
            journal = try Journal(path: Journal.defaultPath(registry: client.endpoint.name))
            try leftoverStore.save(before.planned(request.plan))
        } catch {
            mailbox.post(.executionFailed("\(error)"))
            return
        }
        stop.reset()
        let executor = PurgeExecutor(client: client, journal: journal, stop: stop, cache: cache)
        let mailbox = self.mailbox
        let result = await executor.execute(plan: request.plan, inventory: request.inventory) { event in
            mailbox.post(.execution(event))
        }
        let after = before.updated(inventory: request.inventory, result: result)
        lock.withLock { leftovers = .success(after) }
        // If this fails the file still lists everything the run planned: a superset, which the
        // next load sorts out with a HEAD per entry.
        try? leftoverStore.save(after)
        mailbox.post(.executionFinished(result))
    }

    /// An error in words a user can act on.
    /// The labels of an image config: from the content cache, where the load left it, else from
    /// the registry (ACR's loads read no configs; a cache may be disabled or cleared).
    private func readLabels(repository: String, config: BlobRef) async {
        var body = cache.readBody(config.digest)
        let fetched = body == nil
        if body == nil {
            do {
                body = try await client.blob(
                    repository: repository, digest: config.digest, maxBytes: Self.largestConfig)
            } catch {
                mailbox.post(.labelsUnreadable(config: config.digest, reason: Self.describe(error)))
                return
            }
        }
        guard let body, let parsed = try? ImageConfig(json: body) else {
            mailbox.post(.labelsUnreadable(config: config.digest, reason: "the config is not an image config"))
            return
        }
        // Only what parsed as a config goes into the cache (the first blob of an odd manifest may
        // be a layer).
        if fetched { cache.write(config.digest, body: body, mediaType: nil) }
        mailbox.post(.labelsRead(config: config.digest, labels: parsed.labels))
    }

    /// Image configs are a few kilobytes, their history included; more is not a config.
    static let largestConfig = 1 << 20

    static func describe(_ error: any Error) -> String {
        "\(error)"
    }
}
