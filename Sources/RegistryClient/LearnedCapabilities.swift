/// What the registry showed it can do by answering real operations, so that no probe ever has to
/// send a DELETE: a preview stays provably read-only. Also the turns that tag deletions take:
/// the first one, which teaches the method, goes alone, and placeholder untags in one repository
/// go one at a time (distribution 2.x answered 404 to deleting a placeholder it had just stored
/// while others ran), so callers can run deletions concurrently without knowing either.
actor LearnedCapabilities {
    /// How one tag is removed; nil until the first tag deletion decides it.
    private(set) var tagDeletion: RegistryCapabilities.TagDeletion?
    /// Whether deleting manifests works; nil until the first deletion answers.
    private(set) var deleteEnabled: Bool?
    /// Repositories known to hold the empty blob every placeholder manifest needs.
    private var emptyBlob: Set<String> = []
    /// Turns held, and who waits for each.
    private var held: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func learn(tagDeletion: RegistryCapabilities.TagDeletion) { self.tagDeletion = tagDeletion }
    func learn(deleteEnabled: Bool) { self.deleteEnabled = deleteEnabled }

    func hasEmptyBlob(in repository: String) -> Bool { emptyBlob.contains(repository) }
    func noteEmptyBlob(in repository: String) { emptyBlob.insert(repository) }

    /// Runs `body` when no other body with the same key runs, in arrival order.
    func inTurn<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        if !held.insert(key).inserted {
            await withCheckedContinuation { waiting[key, default: []].append($0) }
        }
        defer {
            if var queue = waiting[key], !queue.isEmpty {
                // The turn passes straight to the next waiter; `held` keeps the key.
                queue.removeFirst().resume()
                waiting[key] = queue
            } else {
                held.remove(key)
            }
        }
        return try await body()
    }
}
