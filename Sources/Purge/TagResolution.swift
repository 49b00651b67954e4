import RegistryClient

/// Resolves many tags to digests, a bounded number at a time, giving the ones that failed more
/// rounds before failing the whole listing.
///
/// One repository's load or re-check is hundreds or thousands of requests, and one of them failing
/// after its own retries must not stop the repository on a flaky network: the failed tags are asked
/// again after the others (by then a rate limit or a restart has often passed). Errors that another
/// round cannot fix (permission, refusals) fail at once.
enum TagResolution {
    static func resolve(
        _ tags: [String], window: Int = 64, rounds: Int = 3, progress: (@Sendable (Int) -> Void)? = nil,
        _ one: @escaping @Sendable (String) async throws -> Digest?
    ) async throws -> [(String, Digest?)] {
        var resolved: [(String, Digest?)] = []
        resolved.reserveCapacity(tags.count)
        var pending = tags
        for round in 1...max(1, rounds) {
            let (done, failed) = try await resolveOnce(pending, window: window) { count in
                progress?(resolved.count + count)
            } one: { tag in
                try await one(tag)
            }
            resolved += done
            guard let (_, firstError) = failed.first else { return resolved }
            if round == rounds || !isWorthAnotherRound(firstError) { throw firstError }
            pending = failed.map(\.0)
        }
        return resolved
    }

    /// One pass: the tags that resolved, and those that failed with their errors.
    private static func resolveOnce(
        _ tags: [String], window: Int, progress: (Int) -> Void,
        one: @escaping @Sendable (String) async throws -> Digest?
    ) async throws -> (done: [(String, Digest?)], failed: [(String, any Error)]) {
        try await withThrowingTaskGroup(of: (String, Result<Digest?, any Error>).self) { group in
            var next = tags[...]
            func startNext() {
                guard let tag = next.popFirst() else { return }
                group.addTask {
                    do {
                        return (tag, .success(try await one(tag)))
                    } catch {
                        return (tag, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, window) { startNext() }
            var done: [(String, Digest?)] = []
            var failed: [(String, any Error)] = []
            for try await (tag, result) in group {
                switch result {
                case .success(let digest): done.append((tag, digest))
                case .failure(let error):
                    if !isWorthAnotherRound(error) {
                        group.cancelAll()
                        throw error
                    }
                    failed.append((tag, error))
                }
                startNext()
                if done.count % 25 == 0 { progress(done.count) }
            }
            progress(done.count)
            return (done, failed)
        }
    }

    static func isWorthAnotherRound(_ error: any Error) -> Bool {
        guard let error = error as? RegistryError else { return false }
        switch error.kind {
        case .unreachable, .timeout, .server, .rateLimited, .digestMismatch, .http: return true
        default: return false
        }
    }
}
