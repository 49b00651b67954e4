import RegistryClient

/// Resolves many tags (or digests), a bounded number at a time, giving the ones that failed more
/// rounds before failing the whole listing.
///
/// One repository's load or re-check is hundreds or thousands of requests, and one of them failing
/// after its own retries must not stop the repository on a flaky network: the failed tags are asked
/// again after the others (by then a rate limit or a restart has often passed). Errors that another
/// round cannot fix (permission, refusals) fail at once.
enum TagResolution {
    static func resolve<Element: Sendable, Value: Sendable>(
        _ tags: [Element], window: Int = 64, rounds: Int = 3, progress: (@Sendable (Int) -> Void)? = nil,
        _ one: @escaping @Sendable (Element) async throws -> Value
    ) async throws -> [(Element, Value)] {
        let rounds = max(1, rounds)
        var resolved: [(Element, Value)] = []
        resolved.reserveCapacity(tags.count)
        var pending = tags
        for round in 1...rounds {
            let before = resolved.count
            let results = await Concurrently.results(
                pending, window: window,
                done: { count in if count % 25 == 0 || count == pending.count { progress?(before + count) } }, one)
            var failed: [(Element, any Error)] = []
            for (tag, result) in zip(pending, results) {
                switch result {
                case .success(let value): resolved.append((tag, value))
                case .failure(let error):
                    if !isWorthAnotherRound(error) { throw error }
                    failed.append((tag, error))
                }
            }
            guard let (_, firstError) = failed.first else { return resolved }
            if round == rounds { throw firstError }
            pending = failed.map(\.0)
        }
        return resolved
    }

    static func isWorthAnotherRound(_ error: any Error) -> Bool {
        guard let error = error as? RegistryError else { return false }
        switch error.kind {
        case .unreachable, .timeout, .server, .rateLimited, .digestMismatch, .http: return true
        default: return false
        }
    }
}
