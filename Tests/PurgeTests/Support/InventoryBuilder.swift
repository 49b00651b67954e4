import Foundation
import Purge
import RegistryClient

/// Builds in-memory inventories for planner tests: manifests named by strings, dated by day.
struct InventoryBuilder {
    var repositories: [String: RepositoryInventory] = [:]

    static func digest(_ name: String) -> Digest { Digest.sha256(of: Data(name.utf8)) }

    static func day(_ day: Int, month: Int = 12, year: Int = 2022) -> Date {
        var components = DateComponents(year: year, month: month, day: day, hour: 12)
        components.timeZone = TimeZone(identifier: "UTC")
        return Calendar(identifier: .gregorian).date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    @discardableResult
    mutating func image(
        _ repository: String, _ name: String, tags: [String], created: Date?, subject: String? = nil,
        blobs: [(String, Int64)] = []
    ) -> Digest {
        let digest = Self.digest(repository + "/" + name)
        var inventory = repositories[repository] ?? RepositoryInventory(name: repository)
        inventory.manifests[digest] = ManifestRecord(
            digest: digest, mediaType: MediaType.ociManifest, kind: .image, bodySize: name.utf8.count,
            totalSize: 100,
            blobs: blobs.map { BlobRef(digest: Self.digest($0.0), size: $0.1) },
            platforms: [Platform(architecture: "amd64", os: "linux")],
            subject: subject.map { Self.digest(repository + "/" + $0) },
            time: TagTime.from(created, source: .configCreated)
                ?? (created == nil ? .unknown : TagTime(date: nil, source: .implausible, rejected: created)))
        for tag in tags { inventory.tags[tag] = digest }
        if let subject {
            let subjectDigest = Self.digest(repository + "/" + subject)
            inventory.manifests[subjectDigest]?.referrers.append(digest)
        }
        repositories[repository] = inventory
        return digest
    }

    @discardableResult
    mutating func index(_ repository: String, _ name: String, tags: [String], children: [String]) -> Digest {
        let digest = Self.digest(repository + "/" + name)
        var inventory = repositories[repository] ?? RepositoryInventory(name: repository)
        let childDigests = children.map { Self.digest(repository + "/" + $0) }
        let newest = childDigests.compactMap { inventory.manifests[$0]?.time.date }.max()
        inventory.manifests[digest] = ManifestRecord(
            digest: digest, mediaType: MediaType.ociIndex, kind: .index, bodySize: name.utf8.count, totalSize: 50,
            children: childDigests, time: newest.map { TagTime(date: $0, source: .newestChild) } ?? .unknown)
        for tag in tags { inventory.tags[tag] = digest }
        repositories[repository] = inventory
        return digest
    }

    mutating func referrerTag(_ repository: String, _ tag: String, pointsTo name: String) {
        repositories[repository]?.referrerTags[tag] = Self.digest(repository + "/" + name)
    }

    var inventory: Inventory {
        Inventory(registry: "example.io", repositories: repositories.values.sorted { $0.name < $1.name })
    }

    /// The article's scenario, as purge-semantics.md describes it.
    static var article: InventoryBuilder {
        var builder = InventoryBuilder()
        builder.image("my-app", "m1", tags: ["1.0.0"], created: day(10))
        builder.image("my-app", "m2", tags: ["2.0.0"], created: day(12))
        builder.image("my-app", "mprod", tags: ["prod"], created: day(13))
        builder.image("my-app", "m3", tags: ["3.0.0"], created: day(15))
        builder.image("my-app", "m4", tags: ["4.0.0", "dev"], created: day(18))
        builder.image("another-app", "a1", tags: ["1.0.0"], created: day(11))
        builder.image("another-app", "a2", tags: ["2.0.0", "dev"], created: day(16))
        return builder
    }
}

extension PurgePlan {
    /// `repo:tag` of every tag to delete, in plan order.
    var deletedTagNames: [String] {
        affectedRepositories.flatMap { repository in repository.tagsToDelete.map { "\(repository.name):\($0.tag)" } }
    }

    func reason(_ repository: String, tag: String) -> TagReason? {
        self[repository]?.tags.first { $0.tag == tag }?.reason
    }

    func reason(_ repository: String, manifest: Digest) -> ManifestReason? {
        self[repository]?.manifests.first { $0.digest == manifest }?.reason
    }
}
