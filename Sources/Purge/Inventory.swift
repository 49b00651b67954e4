import Foundation
import RegistryClient

/// Everything the planner needs to know about one manifest.
///
/// What every manifest has is stored inline; what few have (an index's children, a referrer's
/// subject, annotations, referrers, a lock) lives in one shared box behind the same properties,
/// absent when all of it is empty. Inline, those fields took 104 of the record's 240 bytes for
/// every manifest, in the inventory's dictionaries and in every copy the planner makes, while
/// most images set none of them.
///
/// An image config's labels are not here at all: only the browser's details pane shows them, and
/// it reads them from the content cache when an image is selected (`LabelShelf`). Held for every
/// image, they put a box under nearly all of them (real images carry a dozen labels or more).
public struct ManifestRecord: Sendable {
    public var digest: Digest
    public var mediaType: String
    public var kind: ManifestKind
    /// The size of the manifest's own bytes. The bytes are not kept: at 100,000 manifests they
    /// would be most of an inventory's memory, and the journal reads them from the content cache
    /// (or the registry) only for what it deletes (`ManifestBytes`).
    public var bodySize: Int
    /// Bytes of the manifest plus, for images, its config and layers.
    public var totalSize: Int64
    /// Config and layer blobs (the config first, where there is one), for the space estimate.
    public var blobs: [BlobRef]
    /// Platforms: the image's own, or each child's for an index.
    public var platforms: [Platform]
    public var time: TagTime
    private var rare: RareFields.Box?

    /// An index's children, in order.
    public var children: [Digest] {
        get { rare?.fields.children ?? [] }
        set { change { $0.children = newValue } }
    }
    /// The manifest this one refers to, for signatures, SBOMs and attestations.
    public var subject: Digest? {
        get { rare?.fields.subject }
        set { change { $0.subject = newValue } }
    }
    public var artifactType: String? {
        get { rare?.fields.artifactType }
        set { change { $0.artifactType = newValue } }
    }
    public var annotations: [String: String] {
        get { rare?.fields.annotations ?? [:] }
        set { change { $0.annotations = newValue } }
    }
    /// Manifests that refer to this one (found by API, tag schema, or cosign tags).
    public var referrers: [Digest] {
        get { rare?.fields.referrers ?? [] }
        set { change { $0.referrers = newValue } }
    }
    /// What the registry refuses to change about it (ACR's locks); `.none` elsewhere.
    public var lock: LockState {
        get { rare?.fields.lock ?? .none }
        set { change { $0.lock = newValue } }
    }

    public init(
        digest: Digest, mediaType: String, kind: ManifestKind, bodySize: Int = 0, totalSize: Int64 = 0,
        blobs: [BlobRef] = [], platforms: [Platform] = [], children: [Digest] = [], subject: Digest? = nil,
        artifactType: String? = nil, time: TagTime = .unknown, annotations: [String: String] = [:],
        referrers: [Digest] = []
    ) {
        self.digest = digest
        self.mediaType = mediaType
        self.kind = kind
        self.bodySize = bodySize
        self.totalSize = totalSize
        self.blobs = blobs
        self.platforms = platforms
        self.time = time
        let rare = RareFields(
            children: children, subject: subject, artifactType: artifactType, annotations: annotations,
            referrers: referrers)
        self.rare = rare.isEmpty ? nil : RareFields.Box(rare)
    }

    /// Changes the rare fields, copying the box first when another record shares it, and dropping
    /// it when nothing is left in it.
    private mutating func change(_ body: (inout RareFields) -> Void) {
        var fields = rare?.fields ?? RareFields()
        if isKnownUniquelyReferenced(&rare), let box = rare {
            // Moved out and back, so that the arrays and dictionaries inside are not copied.
            box.fields = RareFields()
            body(&fields)
            box.fields = fields
            if fields.isEmpty { rare = nil }
            return
        }
        body(&fields)
        rare = fields.isEmpty ? nil : RareFields.Box(fields)
    }
}

/// The fields of a `ManifestRecord` that most manifests leave empty.
private struct RareFields {
    var children: [Digest] = []
    var subject: Digest?
    var artifactType: String?
    var annotations: [String: String] = [:]
    var referrers: [Digest] = []
    var lock: LockState = .none

    var isEmpty: Bool {
        children.isEmpty && subject == nil && artifactType == nil && annotations.isEmpty && referrers.isEmpty
            && lock == .none
    }

    /// Shared between copies of a record and copied before a change (`ManifestRecord.change`):
    /// changed only while one record holds it, so sharing it across tasks is safe.
    final class Box: @unchecked Sendable {
        var fields: RareFields
        init(_ fields: RareFields) { self.fields = fields }
    }
}

/// A blob a manifest names, as much of it as the space estimate needs: which blob, how big.
///
/// Not the manifest's whole descriptor: its media type, platform and annotations were heap strings
/// and dictionaries held for every layer of every manifest, read by nothing after the load.
public struct BlobRef: Hashable, Sendable {
    public var digest: Digest
    public var size: Int64

    public init(digest: Digest, size: Int64) {
        self.digest = digest
        self.size = size
    }

    public init(_ descriptor: Descriptor) {
        self.init(digest: descriptor.digest, size: descriptor.size)
    }
}

/// One repository as listed: its tags, and every manifest reachable from them.
public struct RepositoryInventory: Sendable {
    public var name: String
    /// Ordinary tags → digest. Referrer tags (`sha256-<hex>`, `.sig`, …) are in `referrerTags`.
    public var tags: [String: Digest] {
        get { storedTags }
        _modify {
            indexSlot = RepositoryIndexSlot()
            yield &storedTags
        }
    }
    /// Tags that belong to the referrers machinery → the digest they point to. Not for filters.
    public var referrerTags: [String: Digest] {
        get { storedReferrerTags }
        _modify {
            indexSlot = RepositoryIndexSlot()
            yield &storedReferrerTags
        }
    }
    public var manifests: [Digest: ManifestRecord] {
        get { storedManifests }
        _modify {
            indexSlot = RepositoryIndexSlot()
            yield &storedManifests
        }
    }
    /// Whether manifests that were untagged before the load are in view: a vendor API lists them
    /// (ACR's `_manifests`); a generic registry shows manifests only through tags.
    public var untaggedVisible: Bool { api == .acr }
    /// What could not be read, per tag or manifest, for display.
    public var problems: [String]
    /// What the load found of the manifests an earlier run left (`Leftovers`); the present ones
    /// are in `manifests`, untagged.
    public var leftovers: LeftoverCheck {
        get { storedLeftovers }
        _modify {
            indexSlot = RepositoryIndexSlot()
            yield &storedLeftovers
        }
    }
    /// The API it was listed through: on ACR, tags carry their own times and locks.
    public var api: RegistryAPI = .oci
    /// Each tag's own time where the registry keeps one (ACR's `lastUpdateTime`: when the tag was
    /// last pushed or moved). A tag without one is as old as its manifest.
    public var tagTimes: [String: TagTime] {
        get { storedTagTimes }
        _modify {
            indexSlot = RepositoryIndexSlot()
            yield &storedTagTimes
        }
    }
    /// Locked tags (ACR); a tag not in here is unlocked.
    public var tagLocks: [String: LockState] {
        get { storedTagLocks }
        _modify {
            indexSlot = RepositoryIndexSlot()
            yield &storedTagLocks
        }
    }

    // What the planner reads, behind accessors that give a changed value a new, empty index slot
    // (`RepositoryIndex`, worked out once and kept for every plan after). `_modify` changes a
    // dictionary in place: a `didSet` made every `manifests[digest] = record` from another module
    // copy the whole dictionary, which made loading quadratic.
    private var storedTags: [String: Digest]
    private var storedReferrerTags: [String: Digest]
    private var storedManifests: [Digest: ManifestRecord]
    private var storedLeftovers = LeftoverCheck()
    private var storedTagTimes: [String: TagTime] = [:]
    private var storedTagLocks: [String: LockState] = [:]
    var indexSlot = RepositoryIndexSlot()

    public init(
        name: String, tags: [String: Digest] = [:], referrerTags: [String: Digest] = [:],
        manifests: [Digest: ManifestRecord] = [:], problems: [String] = []
    ) {
        self.name = name
        storedTags = tags
        storedReferrerTags = referrerTags
        storedManifests = manifests
        self.problems = problems
    }

    /// A tag's own time where the registry keeps one, else the time of the manifest it points to.
    public func time(ofTag tag: String) -> TagTime {
        tagTimes[tag] ?? tags[tag].flatMap { manifests[$0]?.time } ?? .unknown
    }

    /// What the registry refuses to change about a tag.
    public func lock(ofTag tag: String) -> LockState { tagLocks[tag] ?? .none }

    /// Tags pointing at a digest, sorted.
    public func tags(pointingTo digest: Digest) -> [String] {
        tags.filter { $0.value == digest }.map(\.key).sorted()
    }

    /// Whether a manifest is a tag-schema referrers index: the index a `sha256-<hex>` tag holds,
    /// listing the referrers of that digest. Tagged, but by the referrers machinery.
    public func isReferrersIndex(_ digest: Digest) -> Bool {
        manifests[digest]?.kind == .index && referrerTags.contains { $0.value == digest && !$0.key.contains(".") }
    }

    /// Whether a tag name belongs to the referrers machinery rather than to a user.
    public static func isReferrerTag(_ tag: String) -> Bool { referrerSubject(ofTag: tag) != nil }

    /// For `sha256-<hex>` and cosign's `sha256-<hex>.sig/.att/.sbom`, the subject digest they describe.
    public static func referrerSubject(ofTag tag: String) -> Digest? {
        guard tag.hasPrefix("sha256-") else { return nil }
        var rest = tag.dropFirst("sha256-".count)
        for suffix in [".sig", ".att", ".sbom"] where rest.hasSuffix(suffix) {
            rest = rest.dropLast(suffix.count)
        }
        return Digest("sha256:" + rest)
    }
}

/// A registry's repositories as the planner sees them.
public struct Inventory: Sendable {
    public var registry: String
    public var repositories: [RepositoryInventory]
    /// Repositories that could not be read, with the reason (escaped): nothing in them is planned.
    public var unreadable: [String: String] = [:]

    public init(registry: String, repositories: [RepositoryInventory]) {
        self.registry = registry
        self.repositories = repositories
    }

    public subscript(repository: String) -> RepositoryInventory? {
        repositories.first { $0.name == repository }
    }
}
