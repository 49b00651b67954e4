import Foundation
import RegistryClient

/// The order in which journaled deletions are put back: the reverse of deleting.
///
/// A registry accepts an index only when its children are there, so an entry waits for every
/// manifest its body lists (`manifests[]`) and for its `subject` when those are in the journal too:
/// images and children first, then indexes, then referrers and tag-schema referrer indexes, and
/// single tags last. Within a level, later deletions come back first. Pure, so it is tested
/// without a registry.
enum RestoreOrder {
    static func sorted(_ entries: [JournalEntry]) -> [JournalEntry] {
        struct Key: Hashable {
            var repository: String
            var digest: Digest
        }
        var byKey: [Key: Int] = [:]
        for (index, entry) in entries.enumerated() where entry.operation == .manifest {
            byKey[Key(repository: entry.repository, digest: entry.digest)] = index
        }
        var levels: [Int: Int] = [:]
        var visiting: Set<Int> = []
        func level(_ index: Int) -> Int {
            if let known = levels[index] { return known }
            guard visiting.insert(index).inserted else { return 0 }
            defer { visiting.remove(index) }
            let entry = entries[index]
            var result = 0
            for dependency in dependencies(of: entry) {
                if let other = byKey[Key(repository: entry.repository, digest: dependency)], other != index {
                    result = max(result, level(other) + 1)
                }
            }
            levels[index] = result
            return result
        }
        let ranked = entries.indices.map { index -> (operation: Int, level: Int, index: Int) in
            (entries[index].operation == .manifest ? 0 : 1, level(index), index)
        }
        return ranked.sorted { a, b in
            if a.operation != b.operation { return a.operation < b.operation }
            if a.level != b.level { return a.level < b.level }
            return a.index > b.index
        }.map { entries[$0.index] }
    }

    /// The digests a manifest needs present before it can be put back.
    static func dependencies(of entry: JournalEntry) -> [Digest] {
        guard let manifest = try? Manifest(body: entry.manifest, digest: entry.digest, contentType: entry.mediaType)
        else { return [] }
        return manifest.manifests.map(\.digest) + (manifest.subject.map { [$0.digest] } ?? [])
    }
}
