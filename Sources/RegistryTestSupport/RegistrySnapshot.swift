import Foundation
import RegistryClient

/// What a registry holds at one moment, read through a direct, fault-free client: every tag and
/// the digest it resolves to, and which of a set of known manifests still exist.
///
/// Known manifests matter because a purge with `--untagged` deletes manifests no tag points to
/// (index children, referrers), which a tag listing alone cannot show.
public struct RegistrySnapshot: Sendable, Equatable {
    /// Repository → tag → digest.
    public var tags: [String: [String: Digest]]
    /// Repository → those of the probed manifests that exist.
    public var manifests: [String: Set<Digest>]

    public init(tags: [String: [String: Digest]], manifests: [String: Set<Digest>]) {
        self.tags = tags
        self.manifests = manifests
    }

    /// Lists and resolves every tag of `repositories`, and checks (`HEAD` by digest) which of
    /// `probing` exist, `concurrency` requests at a time.
    public static func take(
        _ registry: TestRegistry, repositories: [String], probing: [String: Set<Digest>], concurrency: Int = 16
    ) async throws -> RegistrySnapshot {
        try await registry.withClient(concurrency: concurrency) { client in
            enum Found: Sendable {
                case tag(String, String, Digest?)
                case manifest(String, Digest, Bool)
            }
            var tagLists: [String: [String]] = [:]
            for repository in repositories {
                do {
                    tagLists[repository] = try await client.tags(repository: repository)
                } catch let error as RegistryError where error.kind == .notFound {
                    tagLists[repository] = []
                }
            }
            let lists = tagLists
            return try await withThrowingTaskGroup(of: Found.self) { group in
                // The client's own limiter bounds the requests in flight.
                for (repository, tags) in lists {
                    for tag in tags {
                        group.addTask {
                            .tag(repository, tag, try await client.head(repository: repository, reference: tag)?.digest)
                        }
                    }
                }
                for (repository, digests) in probing {
                    for digest in digests {
                        group.addTask {
                            let head = try await client.head(repository: repository, reference: digest.description)
                            return .manifest(repository, digest, head != nil)
                        }
                    }
                }
                var snapshot = RegistrySnapshot(
                    tags: Dictionary(uniqueKeysWithValues: repositories.map { ($0, [:]) }),
                    manifests: Dictionary(uniqueKeysWithValues: probing.keys.map { ($0, []) }))
                for try await found in group {
                    switch found {
                    case .tag(let repository, let tag, let digest?):
                        snapshot.tags[repository, default: [:]][tag] = digest
                    case .tag: break
                    case .manifest(let repository, let digest, true):
                        snapshot.manifests[repository, default: []].insert(digest)
                    case .manifest: break
                    }
                }
                return snapshot
            }
        }
    }

    /// Every tag as `repo:tag`, and every present manifest as `repo@digest`.
    public var references: Set<String> {
        var result = Set<String>()
        for (repository, tags) in tags { for tag in tags.keys { result.insert("\(repository):\(tag)") } }
        for (repository, digests) in manifests { for digest in digests { result.insert("\(repository)@\(digest)") } }
        return result
    }

    /// What `earlier` had that this snapshot lacks: tags gone or moved (`repo:tag`, with the
    /// digest it had) and manifests gone (`repo@digest`), among the manifests both probed.
    public func lost(since earlier: RegistrySnapshot) -> [String] {
        var lost: [String] = []
        for (repository, tags) in earlier.tags {
            for (tag, digest) in tags where self.tags[repository]?[tag] != digest {
                let now = self.tags[repository]?[tag].map { "now \($0.short)" } ?? "gone"
                lost.append("\(repository):\(tag) (was \(digest.short), \(now))")
            }
        }
        for (repository, digests) in earlier.manifests {
            guard let present = manifests[repository] else { continue }
            for digest in digests where !present.contains(digest) { lost.append("\(repository)@\(digest)") }
        }
        return lost.sorted()
    }

    /// The keys of what `earlier` had that this snapshot lacks: `repo:tag` for a tag gone or
    /// moved, `repo@digest` for a manifest gone (among the manifests both probed).
    public func lostReferences(since earlier: RegistrySnapshot) -> Set<String> {
        var lost = Set<String>()
        for (repository, tags) in earlier.tags {
            for (tag, digest) in tags where self.tags[repository]?[tag] != digest {
                lost.insert("\(repository):\(tag)")
            }
        }
        for (repository, digests) in earlier.manifests {
            guard let present = manifests[repository] else { continue }
            for digest in digests where !present.contains(digest) { lost.insert("\(repository)@\(digest)") }
        }
        return lost
    }

    /// Every difference between two snapshots, both ways, for failure messages (empty when equal).
    public func differences(from other: RegistrySnapshot) -> [String] {
        let missing = lost(since: other).map { "missing: \($0)" }
        let extra = other.lost(since: self).map { "extra: \($0)" }
        return (missing + extra).sorted()
    }
}
